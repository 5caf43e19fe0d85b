"""While a four-eyes request waits, the requester keeps working in the same conversation; the
request is still theirs to withdraw or change, and the approver's decision still lands."""

from __future__ import annotations

from aios.approvals import ApprovalStatus
from aios.assistant.factory import build_runtime
from connectors.demo import _planted as planted
from connectors.erp.models import Refund
from tests.assistant.conftest import kinds

INVOICE = planted.PLATINUM_PAID_INVOICE


def _file(runtime, users, session, amount=600):
    events = list(
        runtime.assistant.handle(session, users["alice"], f"refund ${amount} on {INVOICE}")
    )
    assert kinds(events) == ["plan", "confirmation_required", "done"]
    return events[1]


def _said(events) -> str:
    return "\n".join(e.text for e in events if e.type == "message")


def _refunds(rows):
    return [r for r in rows("erp", Refund) if r.invoice_id == INVOICE]


def test_a_lookup_is_answered_while_the_request_waits_and_the_approval_still_lands(
    runtime, users, rows
):
    asked = _file(runtime, users, "go1")
    looked = list(runtime.assistant.handle("go1", users["alice"], "what's the status of SO-1063?"))
    assert "shipped" in _said(looked) and "waits for approval" not in _said(looked)
    assert runtime.assistant.pending("go1").approval_id == asked.approval_id

    done = list(runtime.assistant.resume("go1", users["dave"], "approve"))
    assert done[-1].status == "completed"
    assert [r.amount_cents for r in _refunds(rows)] == [60000]
    told = list(runtime.assistant.handle("go1", users["alice"], "thanks"))
    assert asked.approval_id in _said(told) and "approved" in _said(told)


def test_what_the_conversation_was_about_carries_over(runtime, users):
    _file(runtime, users, "go2")
    cases = list(runtime.assistant.handle("go2", users["alice"], "any open cases for them?"))
    # INV-2131 is Kestrel Health Systems': "them" is still the customer of the refund.
    assert "Kestrel" in _said(cases) and kinds(cases)[-1] == "done"


def test_calling_off_the_request_withdraws_it_after_other_work(runtime, users, rows):
    asked = _file(runtime, users, "go3")
    list(runtime.assistant.handle("go3", users["alice"], "what's the status of SO-1063?"))
    called_off = list(runtime.assistant.handle("go3", users["alice"], "cancel the refund request"))
    assert "clarification" not in kinds(called_off) and called_off[-1].status == "cancelled"
    assert runtime.ledger.get(asked.approval_id).status is ApprovalStatus.WITHDRAWN
    assert runtime.assistant.pending("go3") is None
    late = list(runtime.assistant.resume("go3", users["dave"], "approve"))
    assert late[0].code == "nothing_pending" and _refunds(rows) == []


def test_a_confirmation_asked_beside_the_request_is_answered_first(runtime, users, rows):
    asked = _file(runtime, users, "go4")
    note = list(
        runtime.assistant.handle("go4", users["alice"], "add a note to ACC-1023: called back")
    )
    confirm = [e for e in note if e.type == "confirmation_required"]
    assert confirm and confirm[0].approval_id is None
    assert runtime.assistant.pending("go4").id == confirm[0].id

    yes = list(runtime.assistant.handle("go4", users["alice"], "yes"))
    assert yes[-1].status == "completed"
    # The note was confirmed; the refund still waits for finance, untouched.
    assert runtime.assistant.pending("go4").approval_id == asked.approval_id
    assert runtime.ledger.get(asked.approval_id).status is ApprovalStatus.PENDING
    assert _refunds(rows) == []


def test_the_requester_still_cannot_approve_their_own_request_from_beside_it(runtime, users):
    asked = _file(runtime, users, "go5")
    list(runtime.assistant.handle("go5", users["alice"], "what's the status of SO-1063?"))
    refused = list(runtime.assistant.handle("go5", users["alice"], "yes"))
    assert refused[0].code == "not_allowed"
    assert runtime.ledger.get(asked.approval_id).status is ApprovalStatus.PENDING


def test_a_restarted_process_finds_the_request_and_the_conversation(
    runtime, users, rows, demo_settings, embedder
):
    asked = _file(runtime, users, "go6")
    list(runtime.assistant.handle("go6", users["alice"], "what's the status of SO-1063?"))
    restarted = build_runtime(demo_settings, embedder=embedder)
    assert restarted.assistant.pending("go6").approval_id == asked.approval_id
    # Decided in the ledger (another process, the ops page), carried out on the next message.
    restarted.ledger.decide(asked.approval_id, users["dave"], "approve", asked.args)
    told = list(restarted.assistant.handle("go6", users["alice"], "and SO-1064?"))
    assert [r.amount_cents for r in _refunds(rows)] == [60000]
    assert asked.approval_id in _said(told)


def test_cancelling_an_order_above_10000_waits_for_a_senior_agent(runtime, users):
    # SO-1319 of Willow Creek Bakeries totals $10,090.20 (Order Cancellation: above $10,000).
    events = list(runtime.assistant.handle("go7", users["alice"], "cancel SO-1319, ordered twice"))
    [asked] = [e for e in events if e.type == "confirmation_required"]
    assert asked.decision == "approve" and asked.approver_role == "senior_agent"
    list(runtime.assistant.resume("go7", users["alice"], "approve"))
    done = list(runtime.assistant.resume("go7", users["carol"], "approve"))
    assert done[-1].status == "completed"
    assert runtime.ledger.get(asked.approval_id).decided_by == "carol"
