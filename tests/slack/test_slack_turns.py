"""The Slack bot end to end: signed requests to its HTTP endpoint, a fake Slack Web API on
loopback, the real assistant and the demo ERP behind it."""

from __future__ import annotations

from connectors.demo import _planted as planted
from connectors.erp.models import Refund
from tests.slack.conftest import APPROVERS, SUPPORT, button


def _refunds(rows, invoice, cents):
    return [r for r in rows("erp", Refund) if r.invoice_id == invoice and r.amount_cents == cents]


def _with(text):
    return lambda call: text in call.text()


def test_a_mention_plans_and_only_the_requester_confirms(workspace, rows):
    slack = workspace.slack
    assert (
        workspace.mention("alice", "refund $12.34 on SO-1042", "1700000000.000100").status_code
        == 200
    )
    [question] = slack.wait(
        lambda: [c for c in slack.of("chat.postMessage") if "Please confirm" in c.text()]
    )
    [plan] = [c for c in slack.of("chat.postMessage") if "sure)" in c.text()]
    assert question.args["thread_ts"] == plan.args["thread_ts"] == "1700000000.000100"
    assert "erp.create_refund" in question.text() and "12.34" in question.text()

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


def test_four_eyes_goes_to_the_approvers_channel(workspace, rows):
    slack = workspace.slack
    workspace.mention(
        "alice", f"refund $600 on {planted.PLATINUM_PAID_INVOICE}", "1700000000.000200"
    )
    [request] = slack.wait(lambda: slack.of("chat.postMessage", channel=APPROVERS))
    shown = request.text()
    assert (
        "erp.create_refund" in shown and "600" in shown and planted.PLATINUM_PAID_INVOICE in shown
    )
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
