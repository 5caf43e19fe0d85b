"""The Slack bot end to end: signed requests to its HTTP endpoint, a fake Slack Web API on
loopback, the real assistant and the demo ERP behind it."""

from __future__ import annotations

from datetime import timedelta

from aios.slack.app import session_for
from aios.slack.text import escaped
from connectors.crm.models import Note
from connectors.demo import _planted as planted
from connectors.erp.models import Refund
from tests.slack.conftest import APPROVERS, SUPPORT, button, is_plan
from tests.slack.fake_slack import TEAM


def _refunds(rows, invoice, cents):
    return [r for r in rows("erp", Refund) if r.invoice_id == invoice and r.amount_cents == cents]


def _with(text):
    return lambda call: text in call.text()


def test_a_mention_plans_and_only_the_requester_confirms(workspace, runtime, rows):
    slack = workspace.slack
    asked = workspace.mention("alice", "refund $12.34 on SO-1042", "1700000000.000100")
    assert asked.status_code == 200
    [question] = slack.wait(
        lambda: [c for c in slack.of("chat.postMessage") if "Please confirm" in c.text()]
    )
    [plan] = [c for c in slack.of("chat.postMessage") if is_plan(c)]
    assert question.args["thread_ts"] == plan.args["thread_ts"] == "1700000000.000100"
    # Every argument the refund will be sent, labelled as the web chat labels it.
    pending = runtime.assistant.pending(session_for(TEAM, SUPPORT, "1700000000.000100"))
    assert pending is not None and len(pending.arguments) >= 3
    for argument in pending.arguments:
        assert f"{escaped(argument.label)}: *{escaped(argument.value)}*" in question.text()
    assert "Why: " in question.text()

    approve = button(question.args, "confirm_approve")
    assert workspace.click("bob", approve, question.args).status_code == 200
    [refused] = slack.wait(lambda: slack.of("chat.postEphemeral", user="UBOB"))
    assert "Only alice" in refused.args["text"]
    assert _refunds(rows, planted.DAMAGED_INVOICE, 1234) == []

    workspace.click("alice", approve, question.args)
    slack.wait(
        lambda: [
            c
            for c in slack.of("chat.update", ts=plan.args["ts"])
            if ":white_check_mark:" in c.text()
        ]
    )
    [confirmed] = slack.wait(lambda: slack.of("chat.update", ts=question.args["ts"]))
    assert "Confirmed by alice" in confirmed.text()
    assert len(_refunds(rows, planted.DAMAGED_INVOICE, 1234)) == 1

    workspace.click("alice", approve, question.args)  # a second click on the same question
    [again] = slack.wait(lambda: slack.of("chat.postEphemeral", user="UALICE"))
    assert "already decided" in again.args["text"]
    assert len(_refunds(rows, planted.DAMAGED_INVOICE, 1234)) == 1


def test_four_eyes_goes_to_the_approvers_channel(workspace, runtime, rows):
    slack = workspace.slack
    workspace.mention(
        "alice", f"refund $600 on {planted.PLATINUM_PAID_INVOICE}", "1700000000.000200"
    )
    [request] = slack.wait(lambda: slack.of("chat.postMessage", channel=APPROVERS))
    shown = request.text()
    # What would run, every argument labelled as the requester was shown it, and its id.
    pending = runtime.assistant.pending(session_for(TEAM, SUPPORT, "1700000000.000200"))
    assert pending is not None and pending.approval_id is not None
    assert pending.approval_id in shown and "$600.00" in shown
    for argument in pending.arguments:
        assert f"{escaped(argument.label)}: *{escaped(argument.value)}*" in shown
    assert f"archives/{SUPPORT}/p1700000000000200" in shown  # the link back to the thread
    slack.wait(
        lambda: [
            c
            for c in slack.of("chat.postMessage", channel=SUPPORT)
            if "Needs approval by finance" in c.text()
        ]
    )

    approve = button(request.args, "approval_approve")
    workspace.click("alice", approve, request.args)
    [own] = slack.wait(lambda: slack.of("chat.postEphemeral", user="UALICE"))
    assert "your own request" in own.args["text"]
    workspace.click("bob", approve, request.args)
    [wrong] = slack.wait(lambda: slack.of("chat.postEphemeral", user="UBOB"))
    assert "finance role" in wrong.args["text"]
    assert _refunds(rows, planted.PLATINUM_PAID_INVOICE, 60000) == []

    workspace.click("dave", approve, request.args)
    [told] = slack.wait(
        lambda: [
            c
            for c in slack.of("chat.postMessage", channel=SUPPORT)
            if "approved by dave" in c.text()
        ]
    )
    assert told.args["thread_ts"] == "1700000000.000200"
    [redrawn] = slack.wait(lambda: slack.of("chat.update", channel=APPROVERS))
    assert "Approved" in redrawn.text() and "approval_approve" not in redrawn.text()
    assert len(_refunds(rows, planted.PLATINUM_PAID_INVOICE, 60000)) == 1


def test_an_undecided_request_escalates_then_expires_in_the_channel(workspace, runtime, rows):
    slack, board = workspace.slack, workspace.bot.adapter.board
    workspace.mention(
        "alice", f"refund $600 on {planted.PLATINUM_PAID_INVOICE}", "1700000000.000300"
    )
    [request] = slack.wait(lambda: slack.of("chat.postMessage", channel=APPROVERS))
    now = runtime.ledger.clock()
    for hours, shown in ((5, "approval by manager"), (10, "Expired")):
        runtime.ledger.clock = lambda hours=hours: now + timedelta(hours=hours)
        runtime.assistant.sweep()
        board.refresh()
        redrawn = slack.of("chat.update", channel=APPROVERS, ts=request.args["ts"])[-1]
        assert shown in redrawn.text()
    assert "approval_approve" not in redrawn.text()
    [told] = [c for c in slack.of("chat.postMessage", channel=SUPPORT) if "was expired" in c.text()]
    assert told.args["thread_ts"] == "1700000000.000300"
    board.refresh()  # settled: nothing is redrawn or told twice
    assert len([c for c in slack.of("chat.postMessage") if "was expired" in c.text()]) == 1
    assert _refunds(rows, planted.PLATINUM_PAID_INVOICE, 60000) == []


def test_what_people_type_is_shown_and_stored_without_its_markup(workspace, rows):
    slack = workspace.slack
    said = (
        "add a note to case CS-1007 saying we called them back <!here>, see "
        "<https://evil.example> and ping <@UBOB>"
    )
    workspace.mention("alice", said, "1700000000.000400")
    [question] = slack.wait(
        lambda: [c for c in slack.of("chat.postMessage") if "Please confirm" in c.text()]
    )
    workspace.click("alice", button(question.args, "confirm_approve"), question.args)
    slack.wait(lambda: slack.of("chat.update", ts=question.args["ts"]))
    [note] = [n for n in rows("crm", Note) if "called them back" in n.body]
    assert "@here, see https://evil.example and ping @UBOB" in note.body
    # What the bot showed could not notify: the fixture checks every call for <!…> and <@…>.


def test_a_direct_message_asks_which_customer_and_a_choice_answers(workspace):
    slack = workspace.slack
    dm = {
        "type": "message",
        "channel_type": "im",
        "user": "UALICE",
        "text": "Give me an overview of Blue Harbor",
        "ts": "1700000000.000500",
        "channel": "DALICE",
    }
    workspace.send(workspace.event(dm), "application/json")
    [asked] = slack.wait(lambda: slack.of("chat.postMessage", channel="DALICE"))
    assert "Which customer" in asked.text() and asked.args.get("thread_ts") is None
    workspace.click("alice", button(asked.args, "choose_1"), asked.args)
    [overview, *_] = slack.wait(
        lambda: [
            c
            for c in slack.of("chat.postMessage", channel="DALICE")
            if c is not asked and "Blue Harbor Marine" in c.text()
        ]
    )
    assert "Which customer" not in overview.text()
    assert overview.args.get("thread_ts") is None  # the direct chat's top level is one session


def test_a_yes_typed_in_the_thread_without_a_mention_confirms(workspace, rows):
    slack = workspace.slack
    workspace.mention("alice", "refund $3.21 on SO-1042", "1700000000.000600")
    [question] = slack.wait(
        lambda: [c for c in slack.of("chat.postMessage") if "Please confirm" in c.text()]
    )
    reply = {
        "type": "message",
        "channel_type": "channel",
        "user": "UALICE",
        "text": "yes",
        "ts": "1700000000.000700",
        "thread_ts": "1700000000.000600",
        "channel": SUPPORT,
    }
    workspace.send(workspace.event(reply), "application/json")
    slack.wait(lambda: [c for c in slack.of("chat.update") if ":white_check_mark:" in c.text()])
    assert len(_refunds(rows, planted.DAMAGED_INVOICE, 321)) == 1
    # The question's buttons go once it is answered by typing, as they do after a click.
    [answered] = slack.wait(lambda: slack.of("chat.update", ts=question.args["ts"]))
    assert "Answered in the thread by alice" in answered.text()
    assert "confirm_approve" not in str(answered.args.get("blocks"))


def test_an_error_reads_as_a_sentence_with_its_code_apart(workspace):
    slack = workspace.slack
    workspace.mention(
        "alice", "add a note to case CS-1007 saying mail jo@example.com", "1700000000.000800"
    )
    [said] = slack.wait(
        lambda: [c for c in slack.of("chat.postMessage") if ":warning:" in c.text()]
    )
    warning, details = said.args["blocks"]
    assert warning["text"]["text"].startswith(":warning: ")
    assert warning["text"]["text"][len(":warning: ")].isupper()
    [code] = details["elements"]
    assert details["type"] == "context" and code["text"].startswith("Details: ")
    assert code["text"].removeprefix("Details: ") not in warning["text"]["text"]
