"""The approval ledger on its own: who may decide, sealed arguments, races, SLA and escalation."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from aios.approvals import ApprovalLedger, ApprovalRefused, ApprovalStatus
from aios.db import make_engine
from aios.identity import User
from aios.limits import MAX_REASON_CHARS
from aios.policy import load_policy

POLICY = Path(__file__).parents[2] / "policies" / "actions.yaml"
ARGS = {"invoice_id": "INV-2131", "amount": "600.00", "reason": "damaged"}
ALICE = User(name="alice", role="agent")
DAVE = User(name="dave", role="finance")
DIANA = User(name="diana", role="finance")
ERIN = User(name="erin", role="manager")
CAROL = User(name="carol", role="senior_agent")


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def ledger(tmp_path, clock):
    made = ApprovalLedger(
        make_engine(f"sqlite:///{tmp_path / 'state.db'}"), load_policy(POLICY), clock
    )
    made.create_tables()
    return made


def _open(ledger, turn="t1", role="finance", args=ARGS):
    approval, created = ledger.open(
        session_id="s1",
        turn=turn,
        step_index=0,
        tool="erp.create_refund",
        args=args,
        description="Refund $600.00 on INV-2131",
        reason="Refunds above $500 need finance",
        requester="alice",
        required_role=role,
    )
    return approval, created


def test_opening_is_idempotent_per_step(ledger, clock):
    first, created = _open(ledger)
    again, created_again = _open(ledger)
    assert (created, created_again) == (True, False)
    assert first.id == again.id and first.id.startswith("AP-")
    assert first.due_at == clock.now + timedelta(minutes=240)
    assert len(ledger.find(status=ApprovalStatus.PENDING)) == 1


def test_the_requester_and_roles_without_it_are_refused(ledger):
    approval, _ = _open(ledger)
    for user in (ALICE, CAROL):
        with pytest.raises(ApprovalRefused) as refused:
            ledger.decide(approval.id, user, "approve", ARGS)
        assert refused.value.code == "not_allowed"
    assert ledger.get(approval.id).status is ApprovalStatus.PENDING


def test_a_role_that_inherits_the_required_one_may_approve(ledger):
    approval, _ = _open(ledger)
    decided = ledger.decide(approval.id, ERIN, "approve", ARGS)
    assert (decided.status, decided.decided_by, decided.decided_role) == (
        ApprovalStatus.APPROVED,
        "erin",
        "manager",
    )


def test_changed_arguments_cannot_be_approved(ledger):
    approval, _ = _open(ledger)
    with pytest.raises(ApprovalRefused) as refused:
        ledger.decide(approval.id, DAVE, "approve", {**ARGS, "amount": "6000.00"})
    assert refused.value.code == "arguments_changed"
    assert ledger.get(approval.id).status is ApprovalStatus.PENDING


def test_a_decision_is_final_but_its_retry_is_accepted(ledger):
    approval, _ = _open(ledger)
    ledger.decide(approval.id, DAVE, "reject", ARGS)
    assert ledger.decide(approval.id, DAVE, "reject", ARGS).status is ApprovalStatus.REJECTED
    for user, answer in ((DAVE, "approve"), (DIANA, "approve"), (DIANA, "reject")):
        with pytest.raises(ApprovalRefused) as refused:
            ledger.decide(approval.id, user, answer, ARGS)
        assert refused.value.code == "already_decided"


def test_two_approvers_racing_leave_one_decision(ledger):
    approval, _ = _open(ledger)
    outcomes: list[str] = []

    def decide(user, answer):
        try:
            ledger.decide(approval.id, user, answer, ARGS)
            outcomes.append(f"{user.name}:{answer}")
        except ApprovalRefused as exc:
            outcomes.append(exc.code)

    threads = [
        threading.Thread(target=decide, args=(DAVE, "approve")),
        threading.Thread(target=decide, args=(DIANA, "reject")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    winner = ledger.get(approval.id)
    answer = "approve" if winner.status is ApprovalStatus.APPROVED else "reject"
    assert sorted(outcomes) == sorted(["already_decided", f"{winner.decided_by}:{answer}"])


def test_overdue_requests_climb_the_ladder_then_expire(ledger, clock):
    approval, _ = _open(ledger)
    assert ledger.escalate_overdue() == []
    clock.now += timedelta(minutes=241)
    [escalated] = ledger.escalate_overdue()
    assert (escalated.required_role, escalated.level) == ("manager", 1)
    assert escalated.due_at == clock.now + timedelta(minutes=240)
    with pytest.raises(ApprovalRefused):
        ledger.decide(approval.id, DAVE, "approve", ARGS)  # finance no longer suffices
    clock.now += timedelta(minutes=241)
    [expired] = ledger.escalate_overdue()
    assert expired.status is ApprovalStatus.EXPIRED
    with pytest.raises(ApprovalRefused):
        ledger.decide(approval.id, ERIN, "approve", ARGS)


def test_decidable_by_lists_only_what_a_user_may_decide(ledger):
    _open(ledger)
    assert [a.tool for a in ledger.decidable_by(DAVE)] == ["erp.create_refund"]
    assert ledger.decidable_by(ALICE) == []
    assert ledger.decidable_by(CAROL) == []


def test_the_requester_is_told_once(ledger):
    approval, _ = _open(ledger)
    ledger.decide(approval.id, DAVE, "approve", ARGS)
    assert ledger.take_notifications("s1", "alice") == []  # nothing to tell until it ran
    ledger.record_outcome(approval.id, "Refunded $600.00 as credit note CN-4100.")
    assert ledger.take_notifications("s1", "bob") == []
    [told] = ledger.take_notifications("s1", "alice")
    assert told.outcome.startswith("Refunded")
    assert ledger.take_notifications("s1", "alice") == []


def test_a_ladder_that_loops_is_refused(tmp_path):
    bad = tmp_path / "loop.yaml"
    bad.write_text(
        POLICY.read_text().replace(
            "senior_agent: manager", "senior_agent: manager\n    manager: finance"
        )
    )
    with pytest.raises(ValueError, match="loops"):
        load_policy(bad)


def test_withdrawing_what_an_approver_decided_first_is_refused(ledger):
    approval, _ = _open(ledger)
    ledger.decide(approval.id, DAVE, "approve", ARGS)
    with pytest.raises(ApprovalRefused) as refused:
        ledger.withdraw(approval.id)
    assert refused.value.code == "already_decided"
    assert ledger.get(approval.id).status is ApprovalStatus.APPROVED
    with pytest.raises(ApprovalRefused):
        ledger.decide(approval.id, DAVE, "reject", ARGS)  # the same approver, the other answer


def test_a_reason_longer_than_the_limit_decides_nothing(ledger):
    approval, _ = _open(ledger)
    with pytest.raises(ApprovalRefused) as refused:
        ledger.decide(approval.id, DAVE, "reject", ARGS, "x" * (MAX_REASON_CHARS + 1))
    assert refused.value.code == "invalid_reason"
    assert ledger.get(approval.id).status is ApprovalStatus.PENDING
    decided = ledger.decide(approval.id, DAVE, "reject", ARGS, "x" * MAX_REASON_CHARS)
    assert decided.rejection_reason == "x" * MAX_REASON_CHARS
