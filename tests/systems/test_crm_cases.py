"""CRM cases: finding them, opening one with its SLA, escalating, closing."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlmodel import col, select

from connectors.crm.models import Account, Case, CaseStatus, Note, Priority, Tier
from connectors.errors import InvalidInput, NotFound, RuleViolation
from connectors.system import System


def _open(crm: System, key: str, **overrides: object) -> object:
    args = {
        "account_id": "ACC-1001",
        "subject": "Pallets arrived damaged",
        "description": "Two of ten pallets crushed on delivery of SO-1001.",
        "priority": "high",
        "owner": "maria",
        "order_id": "SO-1001",
        **overrides,
    }
    return crm.execute("open_case", args, idempotency_key=key)


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({}, ["CS-1003", "CS-1005", "CS-1004", "CS-1001", "CS-1002", "CS-1009"]),
        ({"account_id": "ACC-1002"}, ["CS-1005", "CS-1004"]),
        ({"status": "escalated"}, ["CS-1002"]),
        ({"open_only": True}, ["CS-1004", "CS-1001", "CS-1002", "CS-1009"]),
        ({"priority": "normal"}, ["CS-1003", "CS-1005", "CS-1009"]),
        ({"owner": "li", "open_only": True}, ["CS-1004", "CS-1009"]),
        ({"sla_breached": True}, ["CS-1004", "CS-1001"]),  # CS-1003/1005 are late but done
        ({"sla_breached": True, "account_id": "ACC-1001"}, ["CS-1001"]),
        ({"sla_breached": True, "status": "pending"}, ["CS-1004"]),
        ({"limit": 2}, ["CS-1003", "CS-1005"]),
    ],
)
def test_find_cases_filters(crm: System, filters: dict[str, object], expected: list[str]) -> None:
    found = crm.execute("find_cases", filters)
    assert [c.id for c in found.cases] == expected


def test_find_cases_refuses_a_closed_status_with_open_only(crm: System) -> None:
    with pytest.raises(InvalidInput) as raised:
        crm.execute("find_cases", {"status": "closed", "open_only": True})
    assert "not an open status" in str(raised.value.details["errors"])


def test_find_cases_of_an_unknown_account_is_not_found(crm: System) -> None:
    with pytest.raises(NotFound):
        crm.execute("find_cases", {"account_id": "ACC-9999"})


def test_get_case_has_its_description_and_notes_oldest_first(crm: System) -> None:
    case = crm.execute("get_case", {"case_id": "CS-1001"})

    assert (case.id, case.description, case.status) == ("CS-1001", "About CS-1001", "open")
    assert [n.body for n in case.notes] == ["Customer called", "Sent replacement"]
    with pytest.raises(NotFound, match="no case 'CS-9'"):
        crm.execute("get_case", {"case_id": "CS-9"})


def test_open_case_numbers_it_and_sets_the_sla_from_tier_and_priority(
    crm: System, now: datetime
) -> None:
    case = _open(crm, "oc-1")

    assert case.id == "CS-1010"  # after the highest, CS-1009
    assert (case.status, case.priority, case.order_id) == ("open", "high", "SO-1001")
    assert case.created_at == now
    assert case.sla_due_at == now + timedelta(hours=8)  # platinum, high
    with crm.session() as session:
        stored = session.get(Case, "CS-1010")
        assert stored is not None and stored.description.startswith("Two of ten")


def test_open_case_replays_a_repeated_key_instead_of_opening_twice(crm: System) -> None:
    first, again = _open(crm, "oc-1"), _open(crm, "oc-1")

    assert first == again
    with crm.session() as session:
        assert len(session.exec(select(Case)).all()) == 7


SLA_TABLE = {
    Tier.PLATINUM: (4, 8, 24, 48),
    Tier.GOLD: (8, 24, 48, 72),
    Tier.SILVER: (24, 48, 72, 120),
    Tier.BRONZE: (48, 72, 120, 168),
}
PRIORITIES = (Priority.URGENT, Priority.HIGH, Priority.NORMAL, Priority.LOW)


@pytest.mark.parametrize(
    ("tier", "priority", "hours"),
    [
        (tier, priority, hours)
        for tier, row in SLA_TABLE.items()
        for priority, hours in zip(PRIORITIES, row, strict=True)
    ],
)
def test_open_case_sla_per_tier_and_priority(
    crm: System, now: datetime, tier: Tier, priority: Priority, hours: int
) -> None:
    with crm.session() as session:
        account = session.get(Account, "ACC-1002")
        assert account is not None
        account.tier = tier
        session.commit()

    case = _open(crm, "oc", account_id="ACC-1002", priority=priority.value)

    assert case.sla_due_at - now == timedelta(hours=hours)


def test_open_case_refuses_a_churned_account(crm: System) -> None:
    with pytest.raises(RuleViolation, match="ACC-1004 has churned"):
        _open(crm, "oc-2", account_id="ACC-1004")
    with crm.session() as session:
        assert session.exec(select(Case).where(Case.account_id == "ACC-1004")).all() == []


@pytest.mark.parametrize("account_id", ["ACC-1003", "ACC-1005"])  # on hold, prospect
def test_open_case_accepts_accounts_that_have_not_churned(crm: System, account_id: str) -> None:
    assert _open(crm, "oc-3", account_id=account_id).status == "open"


def test_open_case_for_an_unknown_account_is_not_found(crm: System) -> None:
    with pytest.raises(NotFound):
        _open(crm, "oc-4", account_id="ACC-9999")


def _escalate(crm: System, case_id: str, key: str) -> object:
    args = {"case_id": case_id, "reason": "Customer threatens to cancel", "author": "li"}
    return crm.execute("escalate_case", args, idempotency_key=key)


def test_escalate_case_climbs_to_manager_and_stops_there(crm: System) -> None:
    first = _escalate(crm, "CS-1001", "esc-1")
    assert (first.case.escalation_level, first.case.status) == (1, "escalated")
    assert first.escalated_to == "senior_agent"
    assert first.note.case_id == "CS-1001"
    assert first.note.body == "Escalated to senior_agent (level 1): Customer threatens to cancel"

    second = _escalate(crm, "CS-1001", "esc-2")
    assert (second.case.escalation_level, second.escalated_to) == (2, "manager")

    with pytest.raises(RuleViolation, match="already escalated to a manager"):
        _escalate(crm, "CS-1001", "esc-3")
    with crm.session() as session:
        case = session.get(Case, "CS-1001")
        assert case is not None and case.escalation_level == 2
        bodies = session.exec(select(Note.body).where(col(Note.body).startswith("Escalated")))
        assert len(bodies.all()) == 2


@pytest.mark.parametrize(("case_id", "status"), [("CS-1003", "closed"), ("CS-1005", "resolved")])
def test_escalate_case_refuses_finished_cases(crm: System, case_id: str, status: str) -> None:
    with pytest.raises(RuleViolation, match=f"{case_id} is {status}"):
        _escalate(crm, case_id, "esc")
    with crm.session() as session:
        case = session.get(Case, case_id)
        assert case is not None and case.escalation_level == 0


def _close(crm: System, case_id: str, key: str, resolution: str = "Replaced two pallets") -> object:
    args = {"case_id": case_id, "resolution": resolution}
    return crm.execute("close_case", args, idempotency_key=key)


def test_close_case_closes_it_with_a_resolution_note(crm: System, now: datetime) -> None:
    closed = _close(crm, "CS-1002", "close-1")

    assert (closed.case.status, closed.case.closed_at) == ("closed", now)
    assert (closed.note.body, closed.note.author) == ("Closed: Replaced two pallets", "aios")
    with crm.session() as session:
        case = session.get(Case, "CS-1002")
        assert case is not None and case.status == CaseStatus.CLOSED


def test_close_case_closes_a_resolved_case(crm: System) -> None:
    assert _close(crm, "CS-1005", "close-2").case.status == "closed"


def test_close_case_refuses_closing_twice(crm: System) -> None:
    _close(crm, "CS-1001", "close-3")
    with pytest.raises(RuleViolation, match="CS-1001 was already closed"):
        _close(crm, "CS-1001", "close-4", resolution="Closing it once more")
    with crm.session() as session:
        notes = session.exec(select(Note).where(col(Note.body).startswith("Closed"))).all()
        assert len(notes) == 1


@pytest.mark.parametrize("resolution", ["", "Fixed", "   fixed    "])
def test_close_case_needs_a_resolution_of_ten_characters(crm: System, resolution: str) -> None:
    with pytest.raises(InvalidInput):
        _close(crm, "CS-1001", "close-5", resolution=resolution)
