from __future__ import annotations

from pydantic import BaseModel, Field
from sqlmodel import select

from connectors._lookup import get_or_404
from connectors.erp.models import (
    BEFORE_SHIPPING,
    Invoice,
    InvoiceStatus,
    OrderLine,
    OrderStatus,
    SalesOrder,
)
from connectors.erp.views import OrderView
from connectors.errors import RuleViolation
from connectors.operation import Kind, Risk, SystemContext, operation


class CancelOrderInput(BaseModel):
    order_id: str = Field(description="The order to cancel, e.g. SO-1042.")
    reason: str = Field(min_length=3, max_length=500, description="Why it is cancelled.")


def _done(args: CancelOrderInput, order: OrderView) -> str:
    return f"Cancelled order {order.id}"


@operation("erp", Kind.WRITE, Risk.MEDIUM, done=_done)
def cancel_order(ctx: SystemContext, args: CancelOrderInput) -> OrderView:
    """Cancel an order that has not shipped yet; its unpaid invoice is voided.

    Shipped and delivered orders cannot be cancelled: they go through returns.
    """
    session = ctx.session
    order = get_or_404(session, SalesOrder, args.order_id, "order")
    if order.status not in BEFORE_SHIPPING:
        raise RuleViolation(
            f"order {order.id} is {order.status.value} and cannot be cancelled"
            + ("; use the returns process" if order.status != OrderStatus.CANCELLED else ""),
            status=order.status.value,
        )
    order.status = OrderStatus.CANCELLED
    order.cancelled_at = ctx.now
    for invoice in session.exec(select(Invoice).where(Invoice.order_id == order.id)):
        if invoice.paid_cents == 0:
            invoice.status = InvoiceStatus.VOID
    session.flush()
    lines = list(session.exec(select(OrderLine).where(OrderLine.order_id == order.id)))
    return OrderView.of(order, lines)
