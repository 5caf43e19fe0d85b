"""What an approver sees of a four-eyes request, and what the requester is told of the decision
(issue 22): the whole picture, earlier refunds read as the approver, a reason passed on once."""

from __future__ import annotations

from datetime import timedelta

from aios.approvals.related import Related
from aios.direct import DirectCalls
from aios.web import render
from connectors.demo import _planted as planted
from connectors.erp.models import Refund


def _related(runtime) -> Related:
    direct = DirectCalls(runtime.toolbox, runtime.policy, runtime.ledger, runtime.masker)
    return Related(direct, runtime.masker)


def _asks_for_900(runtime, alice, session="web-ask"):
    list(runtime.assistant.handle(session, alice, f"refund $900 on {planted.PLATINUM_ORDER}"))
    [approval] = runtime.ledger.find(session_id=session)
    return approval


def test_the_approver_sees_the_whole_picture_and_the_invoice_refunds_as_read_by_them(
    runtime, users, rows
):
    alice, dave = users["alice"], users["dave"]
    list(runtime.assistant.handle("earlier", alice, f"refund $45 on {planted.PLATINUM_ORDER}"))
    list(runtime.assistant.handle("earlier", alice, "yes"))
    [earlier] = [r for r in rows("erp", Refund) if r.invoice_id == planted.PLATINUM_PAID_INVOICE]
    approval = _asks_for_900(runtime, alice)
    pending = runtime.assistant.pending(approval.session_id)
    refunds = _related(runtime).refunds(approval, dave)

    now = approval.created_at + timedelta(minutes=10)
    card = render.approver_card(approval, pending, refunds, now)
    assert card.text.startswith(
        f"**alice asks for your approval** as finance (request `{approval.id}`)"
    )
    for argument in pending.arguments:  # every argument, the refund's reason among them
        assert f"- {argument.label}: **{render.escaped(argument.value)}**" in card.text
    assert {a.name for a in pending.arguments} >= {"invoice_id", "amount", "reason"}
    assert f"Why approval is needed: {approval.reason}" in card.text
    assert f"Requested by alice at {approval.created_at:%Y-%m-%d %H:%M} UTC" in card.text
    assert f"due {approval.due_at:%H:%M} UTC (due in 230 min)" in card.text
    assert "escalation level 0 (first asked of finance)" in card.text
    assert f"**Earlier refunds on invoice {planted.PLATINUM_PAID_INVOICE}:**" in card.text
    assert f"- {earlier.id} on {earlier.created_at:%Y-%m-%d}: $45.00, " in card.text
    assert [b.label for b in card.buttons] == ["Approve", "Reject"]
    assert card.buttons[1].payload["ask_why"] == "yes"  # only Reject asks why
    assert "ask_why" not in card.buttons[0].payload

    # Read through the connectors as dave: his lookup is on the audit trail, in his name.
    reads = [r for r in runtime.toolbox.trail.records() if r.kind == "tool.read"]
    assert (reads[-1].actor, reads[-1].tool) == ("dave", "erp.get_invoice")


def test_a_refund_on_an_unknown_invoice_says_why_its_refunds_are_not_shown(runtime, users):
    approval = _asks_for_900(runtime, users["alice"])
    unknown = approval.model_copy(
        update={"arguments": {**approval.arguments, "invoice_id": "INV-9999"}}
    )
    refunds = _related(runtime).refunds(unknown, users["dave"])
    assert refunds is not None and refunds.refunds == [] and refunds.unavailable
    shown = render.approver_card(unknown, None, refunds, approval.created_at).text
    assert "**Earlier refunds on invoice INV-9999:** not shown (No invoice 'INV-9999')" in shown
    # Outside a conversation there is nothing to resume: no buttons, and where to decide it.
    assert f"aios approvals decide {approval.id}" in shown


def test_a_rejection_reaches_the_requester_once_with_its_reason(runtime, users):
    alice, dave = users["alice"], users["dave"]
    approval = _asks_for_900(runtime, alice)
    why = render.rejection_reason("  Already refunded in full by bank transfer. ")
    said = list(runtime.assistant.resume(approval.session_id, dave, "reject", why))
    assert (
        "Rejected by dave: Already refunded in full by bank transfer. Nothing was changed"
        in next(e.text for e in said if e.type == "message")
    )

    [told] = runtime.assistant.notices(approval.session_id, alice)
    assert told.text == (
        f"Your request {approval.id} ({approval.description}) was rejected by dave: Already "
        "refunded in full by bank transfer. Nothing was changed by that step."
    )
    assert told.text.lower().count("rejected by dave") == 1
    assert list(runtime.assistant.notices(approval.session_id, alice)) == []  # once
    [decided] = [r for r in runtime.toolbox.trail.records() if r.kind == "approval.decided"]
    assert decided.arguments["reason"] == "Already refunded in full by bank transfer."
    # The ledger keeps it on the request, apart from the outcome's words.
    kept = runtime.ledger.get(approval.id)
    assert kept.rejection_reason == "Already refunded in full by bank transfer."


def test_a_rejection_without_a_reason_is_told_once_too(runtime, users):
    alice, dave = users["alice"], users["dave"]
    approval = _asks_for_900(runtime, alice)
    assert render.rejection_reason("skip") is None
    list(runtime.assistant.resume(approval.session_id, dave, "reject", None))
    [told] = runtime.assistant.notices(approval.session_id, alice)
    assert told.text.endswith("was rejected by dave. Nothing was changed by that step.")
    assert runtime.ledger.get(approval.id).rejection_reason is None


def test_an_approval_keeps_no_reason(runtime, users):
    alice, dave = users["alice"], users["dave"]
    approval = _asks_for_900(runtime, alice)
    decided = runtime.ledger.decide(approval.id, dave, "approve", approval.arguments, "fine")
    assert (decided.status.value, decided.rejection_reason) == ("approved", None)
