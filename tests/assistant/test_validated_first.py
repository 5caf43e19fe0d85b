"""A write its system would refuse is refused up front (issue 24, point 5): nobody is asked to
confirm or approve a refund outside the refund window, and the person is told it was not done."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from aios.approvals import ApprovalStatus, Execution
from aios.approvals.summary import request_lines
from aios.audit import open_trail
from aios.ops.queries import activity
from aios.wiring import open_systems
from connectors.clock import as_utc
from connectors.demo import _planted as planted
from connectors.erp.models import Invoice, Refund, SalesOrder
from tests.assistant.conftest import kinds

pytestmark = pytest.mark.slow


def _outside_the_window(rows) -> str:
    """A fully paid invoice of over $600 whose order was delivered over 100 days ago."""
    orders = {o.id: o for o in rows("erp", SalesOrder)}
    long_ago = datetime.now(UTC) - timedelta(days=100)
    for invoice in rows("erp", Invoice):
        order = orders.get(invoice.order_id or "")
        delivered = order.delivered_at if order else None
        if invoice.paid_cents > 60000 and delivered and as_utc(delivered) < long_ago:
            return invoice.id
    raise AssertionError("the demo company has no invoice outside the refund window")


def test_a_refund_outside_the_window_is_refused_before_anyone_is_asked(
    runtime, users, rows, demo_settings
):
    invoice = _outside_the_window(rows)
    events = list(runtime.assistant.handle("late", users["alice"], f"refund $600 on {invoice}"))
    assert kinds(events) == ["plan", "error", "done"]
    refused = events[1]
    assert refused.code == "rule_violation"
    assert "outside the 90-day refund window" in refused.message
    assert "Nothing was changed, and nobody was asked to approve it" in refused.message
    assert events[-1].status == "failed"
    assert runtime.ledger.find() == []  # finance never saw it
    assert runtime.assistant.pending("late") is None
    assert not [r for r in rows("erp", Refund) if r.invoice_id == invoice]
    trail = [(r.kind, r.tool) for r in open_trail(demo_settings).records(session_id="late")]
    assert ("tool.refused", "erp.create_refund") in trail
    assert ("approval.requested", "erp.create_refund") not in trail


def test_an_approved_write_the_system_then_refuses_reads_as_failed(runtime, users, rows):
    """Approval and execution are kept apart: approved by dave, but the refund failed."""
    invoice = planted.PLATINUM_PAID_INVOICE  # $6,192.00 paid
    asked = list(runtime.assistant.handle("gone", users["alice"], f"refund $600 on {invoice}"))
    approval_id = asked[1].approval_id
    assert approval_id
    # While finance looks, most of the invoice is refunded another way.
    erp = open_systems(runtime.settings)["erp"]
    args = {"invoice_id": invoice, "amount": "5800", "reason": "returned goods"}
    erp.execute("create_refund", args, "elsewhere-1")
    done = list(runtime.assistant.resume("gone", users["dave"], "approve"))
    error = next(e for e in done if e.type == "error")
    assert "failed: refund of 600.00 exceeds the refundable" in error.message
    assert error.message.endswith("Nothing was changed.")
    approval = runtime.ledger.get(approval_id)
    assert (approval.status, approval.executed) == (ApprovalStatus.APPROVED, Execution.FAILED)
    told = [n.text for n in runtime.assistant.notices("gone", users["alice"])]
    assert len(told) == 1 and "was approved by dave, but it failed." in told[0]
    listed = request_lines([approval], approval.created_at)[0]
    assert "**approved by dave, but it failed**" in listed
    assert activity(runtime, 2).approved_but_failed == 1
    assert [r.amount_cents for r in rows("erp", Refund) if r.invoice_id == invoice] == [580000]


def test_an_approved_write_that_ran_reads_as_carried_out(runtime, users):
    invoice = planted.PLATINUM_PAID_INVOICE
    asked = list(runtime.assistant.handle("ran", users["alice"], f"refund $600 on {invoice}"))
    list(runtime.assistant.resume("ran", users["dave"], "approve"))
    approval = runtime.ledger.get(asked[1].approval_id)
    assert approval.executed is Execution.SUCCEEDED
    told = [n.text for n in runtime.assistant.notices("ran", users["alice"])]
    assert "was approved by dave and carried out." in told[0]
