"""Splitting a refund does not get it under the four-eyes line (issue 24, point 4): the guard
decides each write with the sum of the plan's writes and of the earlier ones on the trail."""

from __future__ import annotations

import pytest

from connectors.demo import _planted as planted
from connectors.erp.models import Refund
from tests.assistant.conftest import kinds

pytestmark = pytest.mark.slow

INVOICE = "INV-2034"  # paid in full ($8,190.00), delivered within the refund window


def _refunds(rows, invoice=INVOICE):
    return [r.amount_cents for r in rows("erp", Refund) if r.invoice_id == invoice]


def test_a_refund_split_in_one_request_needs_finance(runtime, users, rows):
    before = _refunds(rows)
    split = f"refund $450 on {INVOICE} and refund $450 on {INVOICE}"
    events = list(runtime.assistant.handle("split", users["alice"], split))
    assert kinds(events) == ["plan", "confirmation_required", "done"]
    assert len(events[0].steps) == 2
    asked = events[1]
    assert (asked.decision, asked.approver_role) == ("approve", "finance")
    assert "$900.00 = $450.00 now + $450.00 more in this request" in asked.reason
    # The agent's own confirmation is not enough.
    refused = list(runtime.assistant.resume("split", users["alice"], "approve"))
    assert refused[0].code == "not_allowed"
    assert _refunds(rows) == before
    # Finance approves the first; the second is decided with the first on the record.
    second = list(runtime.assistant.resume("split", users["dave"], "approve"))
    asked_again = next(e for e in second if e.type == "confirmation_required")
    assert asked_again.approver_role == "finance"
    assert "$450.00 earlier (CN-" in asked_again.reason
    done = list(runtime.assistant.resume("split", users["dave"], "approve"))
    assert done[-1].status == "completed"
    assert _refunds(rows) == [*before, 45000, 45000]


def test_a_refund_split_over_two_requests_needs_finance(runtime, users, rows):
    alice = users["alice"]
    first = list(runtime.assistant.handle("later", alice, f"refund $300 on {INVOICE}"))
    assert first[1].decision == "confirm"
    list(runtime.assistant.handle("later", alice, "yes"))
    second = list(runtime.assistant.handle("later", alice, f"refund $300 on {INVOICE}"))
    asked = next(e for e in second if e.type == "confirmation_required")
    assert (asked.decision, asked.approver_role) == ("approve", "finance")
    assert "$600.00 = $300.00 now + $300.00 earlier (CN-" in asked.reason


def test_refunds_on_other_invoices_within_limits_need_no_one_else(runtime, users, rows):
    # Two requests: the embedded planner reads "... and refund $450 on INV-2131" as a second
    # refund on the first invoice (reported to the planner's owner).
    alice, other = users["alice"], planted.PLATINUM_PAID_INVOICE
    list(runtime.assistant.handle("apart", alice, f"refund $450 on {INVOICE}"))
    list(runtime.assistant.handle("apart", alice, "yes"))
    events = list(runtime.assistant.handle("apart", alice, f"refund $450 on {other}"))
    asked = next(e for e in events if e.type == "confirmation_required")
    assert asked.args["invoice_id"] == other
    assert asked.decision == "confirm", asked.reason
    list(runtime.assistant.handle("apart", alice, "yes"))
    assert 45000 in _refunds(rows) and 45000 in _refunds(rows, other)
