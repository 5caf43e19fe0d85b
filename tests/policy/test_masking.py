"""Every personal-data field, for every role: masked exactly where the policy says."""

from __future__ import annotations

import pytest

from aios.policy.masking import load_masker
from tests.settings import REPO

MASKER = load_masker(REPO / "policies" / "masking.yaml")
RECORD = {
    "contacts": [
        {"name": "Maya Fischer", "email": "maya@blueharbor.example", "phone": "+1 555 010 2233"}
    ],
    "customer": {
        "billing_email": "ap@blueharbor.example",
        "billing_address": "1 Quay Street, Portland, ME 04101",
    },
    "order": {"shipping_address": "9 Dock Road, Salem, MA 01970"},
    "outbox": [{"to": "ap@blueharbor.example", "subject": "Reminder"}],
}
MASKED = {
    "email": "m***@blueharbor.example",
    "phone": "***-***-2233",
    "billing_email": "a***@blueharbor.example",
    "billing_address": "***, Portland, ME 04101",
    "shipping_address": "***, Salem, MA 01970",
    "to": "a***@blueharbor.example",
}
# Which fields each role sees in full (knowledge/compliance/data-protection-policy.md).
SEES = {
    "agent": set(),
    "auditor": set(),
    "finance": {"billing_email", "billing_address", "shipping_address"},
    "senior_agent": set(MASKED),
    "manager": set(MASKED),
    "admin": set(MASKED),
}


def _fields(masked):
    return {
        "email": masked["contacts"][0]["email"],
        "phone": masked["contacts"][0]["phone"],
        "billing_email": masked["customer"]["billing_email"],
        "billing_address": masked["customer"]["billing_address"],
        "shipping_address": masked["order"]["shipping_address"],
        "to": masked["outbox"][0]["to"],
    }


@pytest.mark.parametrize("role", sorted(SEES))
def test_each_field_for_each_role(role):
    shown = _fields(MASKER.mask(RECORD, role))
    real = _fields(RECORD)
    for field, value in shown.items():
        expected = real[field] if field in SEES[role] else MASKED[field]
        assert value == expected, (role, field)


@pytest.mark.parametrize("role", sorted(SEES))
def test_what_a_role_is_shown_keeps_the_fields_it_may_see(role):
    # ``shown`` also masks contact details inside free text; a field named by the policy is
    # decided by its name, so finance's billing emails stay whole.
    shown = _fields(MASKER.shown(RECORD, role))
    real = _fields(RECORD)
    for field, value in shown.items():
        expected = real[field] if field in SEES[role] else MASKED[field]
        assert value == expected, (role, field)


def test_masking_leaves_the_rest_alone_and_does_not_mutate():
    masked = MASKER.mask(RECORD, "agent")
    assert masked["contacts"][0]["name"] == "Maya Fischer"
    assert masked["outbox"][0]["subject"] == "Reminder"
    assert RECORD["contacts"][0]["email"] == "maya@blueharbor.example"


def test_an_unknown_role_sees_nothing_personal():
    assert _fields(MASKER.mask(RECORD, "intern")) == MASKED


def test_the_audit_trail_keeps_addresses_and_masks_contact_details():
    stored = _fields(MASKER.for_audit(RECORD))
    real = _fields(RECORD)
    for field in ("billing_address", "shipping_address"):
        assert stored[field] == real[field]
    for field in ("email", "phone", "billing_email", "to"):
        assert stored[field] == MASKED[field], field


TEXT = "Call Maya on (207) 555-0142 or write to maya.f@blueharbor.example by 2026-03-01."


@pytest.mark.parametrize(
    ("role", "shown"),
    [
        ("agent", "Call Maya on ***-***-0142 or write to m***@blueharbor.example by 2026-03-01."),
        ("finance", "Call Maya on ***-***-0142 or write to m***@blueharbor.example by 2026-03-01."),
        ("senior_agent", TEXT),
        ("auditor", "Call Maya on ***-***-0142 or write to m***@blueharbor.example by 2026-03-01."),
    ],
)
def test_free_text_is_masked_by_role(role, shown):
    assert MASKER.mask_text(TEXT, role) == shown


def test_amounts_ids_and_dates_are_not_mistaken_for_phones():
    text = "Refund $5,000.00 on INV-2038 (order SO-1042) before 2026-03-01, case CS-1007."
    assert MASKER.mask_text(text, "agent") == text
