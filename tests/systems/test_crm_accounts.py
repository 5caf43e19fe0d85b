"""CRM accounts and contacts: the account-360, finding and correcting contacts, account status."""

from __future__ import annotations

import pytest
from sqlmodel import select

from connectors.crm.models import Account, AccountStatus, Contact, Note
from connectors.errors import InvalidInput, NotFound, RuleViolation
from connectors.system import System


def test_get_account_gathers_contacts_open_cases_and_latest_notes(crm: System) -> None:
    found = crm.execute("get_account", {"account_id": "ACC-1001"})

    assert found.account.name == "Harbor Foods"
    assert [c.name for c in found.contacts] == ["Zoe Park", "Ben Okafor"]  # primary first
    assert [c.id for c in found.open_cases] == ["CS-1001", "CS-1002"]  # CS-1003 is closed
    assert [n.body for n in found.recent_notes] == [
        "Sent replacement",
        "Customer called",
        "Call 7",
        "Call 6",
        "Call 5",
    ]


def test_get_account_of_an_unknown_account_is_not_found(crm: System) -> None:
    with pytest.raises(NotFound, match="no account 'ACC-9999'"):
        crm.execute("get_account", {"account_id": "ACC-9999"})


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"account_id": "ACC-1001"}, ["CON-1001", "CON-1002"]),
        ({"name": "park"}, ["CON-1002"]),
        ({"email": "@northfield.example"}, ["CON-1003"]),
        ({"account_id": "ACC-1001", "email": "ZOE@"}, ["CON-1002"]),
        ({"account_id": "ACC-1002", "name": "zoe"}, []),
        ({"limit": 2}, ["CON-1001", "CON-1002"]),
        ({"account_id": "ACC-1005"}, []),
    ],
)
def test_find_contacts_filters(
    crm: System, filters: dict[str, object], expected: list[str]
) -> None:
    found = crm.execute("find_contacts", filters)
    assert [c.id for c in found.contacts] == expected


def test_find_contacts_of_an_unknown_account_is_not_found(crm: System) -> None:
    with pytest.raises(NotFound):
        crm.execute("find_contacts", {"account_id": "ACC-9999"})


def test_update_contact_changes_only_the_given_fields(crm: System) -> None:
    changed = crm.execute(
        "update_contact",
        {
            "contact_id": "CON-1001",
            "email": " ben.okafor@harborfoods.example ",
            "phone": "+1 (555) 010-0199",
        },
        idempotency_key="uc-1",
    )

    assert changed.email == "ben.okafor@harborfoods.example"
    with crm.session() as session:
        contact = session.get(Contact, "CON-1001")
        assert contact is not None
        assert (contact.name, contact.title) == ("Ben Okafor", "Buyer")
        assert contact.email == "ben.okafor@harborfoods.example"
        assert contact.phone == "+1 (555) 010-0199"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({}, "at least one of name, title, email or phone"),
        ({"email": None}, "at least one of"),
        ({"email": "ben at harborfoods"}, "not an email address"),
        ({"email": "ben@harborfoods"}, "not an email address"),
        ({"phone": "call me maybe"}, "not a phone number"),
        ({"phone": "+1 555"}, "not a phone number"),
        ({"phone": "(((--)))"}, "not a phone number"),
        ({"phone": "1" * 21}, "at most 20"),
        ({"name": "  "}, "at least 1 character"),
    ],
)
def test_update_contact_refuses_bad_input(
    crm: System, change: dict[str, object], message: str
) -> None:
    with pytest.raises(InvalidInput) as raised:
        crm.execute("update_contact", {"contact_id": "CON-1001", **change}, idempotency_key="uc")
    assert message in str(raised.value.details["errors"])
    with crm.session() as session:
        contact = session.get(Contact, "CON-1001")
        assert contact is not None and contact.email == "ben@harborfoods.example"


def test_update_contact_of_an_unknown_contact_is_not_found(crm: System) -> None:
    with pytest.raises(NotFound, match="no contact"):
        crm.execute("update_contact", {"contact_id": "CON-9", "title": "CEO"}, idempotency_key="k")


def test_set_account_status_changes_it_and_notes_why(crm: System) -> None:
    changed = crm.execute(
        "set_account_status",
        {"account_id": "ACC-1003", "status": "active", "reason": "Paid the overdue balance"},
        idempotency_key="sas-1",
    )

    assert changed.previous_status == AccountStatus.ON_HOLD
    assert changed.account.status == AccountStatus.ACTIVE
    assert changed.note.body == "Status changed from on_hold to active: Paid the overdue balance"
    with crm.session() as session:
        account = session.get(Account, "ACC-1003")
        assert account is not None and account.status == AccountStatus.ACTIVE
        notes = session.exec(select(Note).where(Note.account_id == "ACC-1003")).all()
        assert [n.body for n in notes] == [changed.note.body]


def test_set_account_status_refuses_a_change_to_the_same_status(crm: System) -> None:
    with pytest.raises(RuleViolation, match="already active"):
        crm.execute(
            "set_account_status",
            {"account_id": "ACC-1001", "status": "active", "reason": "just checking"},
            idempotency_key="sas-2",
        )
    with crm.session() as session:
        assert not session.exec(select(Note).where(Note.body.contains("Status"))).all()  # type: ignore[attr-defined]
