"""A write its system would refuse is refused up front (issue 24, point 5): nobody is asked to
confirm or approve a refund outside the refund window, and the person is told it was not done."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from aios.audit import open_trail
from connectors.clock import as_utc
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
