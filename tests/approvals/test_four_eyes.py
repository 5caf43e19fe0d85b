"""Four-eyes through the assistant: the ledger decides, the requester is told."""

from __future__ import annotations

from datetime import timedelta

import pytest
from langgraph.types import Command

from aios.approvals import ApprovalRefused, ApprovalStatus
from aios.audit import open_trail
from aios.graph.state import TurnContext
from connectors.clock import utc_now
from connectors.demo import _planted as planted
from connectors.erp.models import Refund
from tests.assistant.conftest import kinds

INVOICE = planted.PLATINUM_PAID_INVOICE
ASK = f"refund $600 on {INVOICE}"


def _refunds(rows, cents=60000):
    return [r for r in rows("erp", Refund) if r.invoice_id == INVOICE and r.amount_cents == cents]


def _notice(runtime, users, session):
    """What alice is shown first when she next writes in ``session``."""
    return next(iter(runtime.assistant.handle(session, users["alice"], "what can you do?")))


def _ask(runtime, users, session):
    events = list(runtime.assistant.handle(session, users["alice"], ASK))
    assert kinds(events) == ["plan", "confirmation_required", "done"]
    return events[1]


def test_an_approval_request_lands_in_the_ledger_and_the_audit(runtime, users, demo_settings):
    asked = _ask(runtime, users, "fe1")
    approval = runtime.ledger.get(asked.approval_id)
    assert approval.status is ApprovalStatus.PENDING
    assert (approval.requester, approval.required_role) == ("alice", "finance")
    assert approval.arguments == asked.args
    assert runtime.ledger.decidable_by(users["dave"]) == [approval]
    assert runtime.ledger.decidable_by(users["alice"]) == []
    rows = list(open_trail(demo_settings).records(session_id="fe1"))
    requested = [r for r in rows if r.kind == "approval.requested"]
    assert len(requested) == 1 and requested[0].approval_id == approval.id
    assert requested[0].policy_decision == "approve"


def test_finance_approves_the_write_runs_once_and_the_requester_is_told(runtime, users, rows):
    asked = _ask(runtime, users, "fe2")
    done = list(runtime.assistant.resume("fe2", users["dave"], "approve"))
    assert done[-1].status == "completed"
    assert len(_refunds(rows)) == 1
    approval = runtime.ledger.get(asked.approval_id)
    assert approval.status is ApprovalStatus.APPROVED and approval.decided_by == "dave"
    assert "credit note" in approval.outcome
    again = list(runtime.assistant.resume("fe2", users["dave"], "approve"))
    assert again[0].code == "nothing_pending"
    notice = _notice(runtime, users, "fe2")
    assert notice.type == "message"
    assert f"Your request {approval.id}" in notice.text and "approved by dave" in notice.text
    assert len(_refunds(rows)) == 1


def test_a_rejection_writes_nothing_and_is_reported(runtime, users, rows):
    _ask(runtime, users, "fe3")
    events = list(runtime.assistant.resume("fe3", users["dave"], "reject"))
    assert "Rejected by dave" in events[0].text and events[-1].status == "cancelled"
    notice = _notice(runtime, users, "fe3")
    assert "rejected by dave" in notice.text
    assert _refunds(rows) == []


def test_the_requester_may_withdraw_but_not_approve(runtime, users, rows):
    asked = _ask(runtime, users, "fe4")
    refused = list(runtime.assistant.handle("fe4", users["alice"], "yes"))
    assert refused[0].code == "not_allowed" and "four-eyes" in refused[0].message
    list(runtime.assistant.handle("fe4", users["alice"], "no"))
    assert runtime.ledger.get(asked.approval_id).status is ApprovalStatus.WITHDRAWN
    assert runtime.ledger.decidable_by(users["dave"]) == []
    assert _refunds(rows) == []


def test_an_overdue_request_escalates_then_expires(runtime, users, rows):
    asked = _ask(runtime, users, "fe5")
    later = utc_now() + timedelta(hours=5)
    runtime.ledger.clock = lambda: later
    [escalated] = runtime.assistant.sweep()
    assert (escalated.required_role, escalated.level) == ("manager", 1)
    assert runtime.assistant.pending("fe5").approver_role == "manager"
    refused = list(runtime.assistant.resume("fe5", users["dave"], "approve"))
    assert refused[0].code == "not_allowed"
    later += timedelta(hours=5)
    [expired] = runtime.assistant.sweep()
    assert expired.status is ApprovalStatus.EXPIRED
    assert runtime.assistant.pending("fe5") is None
    notice = _notice(runtime, users, "fe5")
    assert f"{asked.approval_id}" in notice.text and "expired" in notice.text
    assert _refunds(rows) == []


def test_a_manager_approves_what_escalated(runtime, users, rows):
    _ask(runtime, users, "fe6")
    later = utc_now() + timedelta(hours=5)
    runtime.ledger.clock = lambda: later
    runtime.assistant.sweep()
    done = list(runtime.assistant.resume("fe6", users["erin"], "approve"))
    assert done[-1].status == "completed"
    assert len(_refunds(rows)) == 1


def test_a_changed_request_voids_the_old_approval(runtime, users, rows):
    first = _ask(runtime, users, "fe7")
    events = list(runtime.assistant.handle("fe7", users["alice"], "no, make it $700"))
    second = next(e for e in events if e.type == "confirmation_required")
    assert second.approval_id != first.approval_id and second.args["amount"] == "700.00"
    assert runtime.ledger.get(first.approval_id).status is ApprovalStatus.WITHDRAWN
    with pytest.raises(ApprovalRefused):
        runtime.ledger.decide(first.approval_id, users["dave"], "approve", first.args)
    list(runtime.assistant.resume("fe7", users["dave"], "approve"))
    assert _refunds(rows) == [] and len(_refunds(rows, 70000)) == 1


def test_resuming_the_graph_around_the_ledger_writes_nothing(runtime, users, rows):
    """A front end that skips the ledger (a bug, or an attack) still cannot make the write run."""
    _ask(runtime, users, "fe8")
    forged = Command(resume={"answer": "approve", "user": "dave", "role": "finance"})
    context = TurnContext(user=users["dave"], session_id="fe8")
    chunks = list(
        runtime.assistant.graph.stream(
            forged, {"configurable": {"thread_id": "fe8"}}, context=context, stream_mode="custom"
        )
    )
    assert {"type": "error", "code": "approval_missing"}.items() <= chunks[-1].items()
    assert _refunds(rows) == []


def test_asking_what_waits_lists_the_ledger(runtime, users):
    asked = _ask(runtime, users, "fe9")
    [waiting] = [
        e
        for e in runtime.assistant.handle(
            "dave-1", users["dave"], "anything waiting for my approval?"
        )
        if e.type == "message"
    ]
    assert "Waiting for your decision" in waiting.text and asked.approval_id in waiting.text
    assert "alice: Refund $600.00" in waiting.text
    [mine] = [
        e
        for e in runtime.assistant.handle(
            "alice-2", users["alice"], "has my refund been approved yet?"
        )
        if e.type == "message"
    ]
    assert "Nothing waits for your approval" in mine.text
    assert asked.approval_id in mine.text and "waiting for finance" in mine.text


def test_the_requester_asking_about_it_leaves_the_request_alone(runtime, users):
    asked = _ask(runtime, users, "fe10")
    events = list(runtime.assistant.handle("fe10", users["alice"], "has it been approved yet?"))
    assert kinds(events) == ["message", "done"]
    assert f"{asked.approval_id}" in events[0].text and "waiting for finance" in events[0].text
    assert runtime.ledger.get(asked.approval_id).status is ApprovalStatus.PENDING


def test_a_decision_about_another_request_decides_nothing(runtime, users, rows):
    _ask(runtime, users, "fe11")
    events = list(runtime.assistant.resume("fe11", users["dave"], "approve", expected="AP-OTHER"))
    assert events[0].code == "changed"
    assert _refunds(rows) == []


def test_refusals_escalations_and_expiry_are_audited(runtime, users, demo_settings):
    asked = _ask(runtime, users, "fe12")
    list(runtime.assistant.resume("fe12", users["carol"], "approve"))
    later = utc_now() + timedelta(hours=5)
    runtime.ledger.clock = lambda: later
    runtime.assistant.sweep()
    later += timedelta(hours=5)
    runtime.assistant.sweep()
    rows = [r for r in open_trail(demo_settings).records(session_id="fe12") if r.step == "ledger"]
    assert [(r.kind, r.actor) for r in rows] == [
        ("approval.refused", "carol"),
        ("approval.escalated", "aios"),
        ("approval.expired", "aios"),
    ]
    assert {r.approval_id for r in rows} == {asked.approval_id}


def test_a_guard_that_died_before_announcing_the_request_announces_it_again(
    runtime, users, demo_settings
):
    _ask(runtime, users, "fe13")
    graph = runtime.assistant.graph
    config = {"configurable": {"thread_id": "fe13"}}
    # Replay the guard as a crashed process would: the ledger row exists, the audit row
    # must too, once.
    trail = runtime.toolbox.trail
    with trail.engine.begin() as conn:
        conn.exec_driver_sql("DELETE FROM audit_events WHERE kind = 'approval.requested'")
    before_guard = next(s for s in graph.get_state_history(config) if s.next == ("guard",))
    for _ in range(2):
        list(graph.stream(None, before_guard.config, context=TurnContext(users["alice"], "fe13")))
    rows = list(open_trail(demo_settings).records(session_id="fe13"))
    assert sum(r.kind == "approval.requested" for r in rows) == 1
