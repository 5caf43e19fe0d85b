from __future__ import annotations

from datetime import timedelta

from pydantic import BaseModel, Field
from sqlalchemy import func
from sqlmodel import select

from connectors._ids import next_id
from connectors._lookup import get_or_404
from connectors.erp.models import Invoice, Refund, SalesOrder
from connectors.erp.views import RefundView
from connectors.errors import RuleViolation
from connectors.money import PositiveMoney, from_cents, shown, to_cents
from connectors.operation import Kind, Risk, SystemContext, operation
from connectors.record_kinds import kind_named

REFUND_WINDOW = timedelta(days=90)


class CreateRefundInput(BaseModel):
    invoice_id: str = Field(description="The paid invoice to refund against, e.g. INV-2001.")
    amount: PositiveMoney = Field(description="Amount to refund, in the invoice's currency.")
    reason: str = Field(min_length=3, max_length=500, description="Why the refund is given.")


def _done(args: CreateRefundInput, refund: RefundView) -> str:
    return f"Refunded {shown(args.amount)} on invoice {args.invoice_id} (credit note {refund.id})"


@operation("erp", Kind.WRITE, Risk.HIGH, done=_done)
def create_refund(ctx: SystemContext, args: CreateRefundInput) -> RefundView:
    """Refund part or all of what was paid on an invoice, booked as a credit note.

    Refused when the amount exceeds what was paid minus earlier refunds, or when the order
    was delivered more than 90 days ago.
    """
    session = ctx.session
    invoice = get_or_404(session, Invoice, args.invoice_id, "invoice")
    refunded = session.exec(
        select(func.coalesce(func.sum(Refund.amount_cents), 0)).where(
            Refund.invoice_id == invoice.id
        )
    ).one()
    refundable = invoice.paid_cents - int(refunded)
    cents = to_cents(args.amount)
    if cents > refundable:
        raise RuleViolation(
            f"refund of {args.amount} exceeds the refundable {from_cents(refundable)} "
            f"on {invoice.id} (paid {from_cents(invoice.paid_cents)}, "
            f"already refunded {from_cents(int(refunded))})",
            refundable=str(from_cents(refundable)),
        )
    if invoice.order_id:
        order = get_or_404(session, SalesOrder, invoice.order_id, "order")
        if order.delivered_at and ctx.now - order.delivered_at > REFUND_WINDOW:
            raise RuleViolation(
                f"order {order.id} was delivered on {order.delivered_at:%Y-%m-%d}, "
                f"outside the {REFUND_WINDOW.days}-day refund window"
            )
    refund = Refund(
        id=next_id(session, Refund.id, kind_named("refund")),
        invoice_id=invoice.id,
        order_id=invoice.order_id,
        account_id=invoice.account_id,
        amount_cents=cents,
        reason=args.reason,
        created_at=ctx.now,
    )
    session.add(refund)
    session.flush()
    return RefundView.of(refund)
