from __future__ import annotations

from pydantic import BaseModel, Field
from sqlmodel import col, select

from connectors._lookup import get_or_404
from connectors.erp.models import Invoice, Payment, Refund
from connectors.erp.views import InvoiceDetail, InvoiceView, PaymentView, RefundView
from connectors.money import from_cents
from connectors.operation import Kind, SystemContext, operation


class GetInvoiceInput(BaseModel):
    invoice_id: str = Field(max_length=50, description="The invoice, e.g. INV-2001.")


@operation("erp", Kind.READ)
def get_invoice(ctx: SystemContext, args: GetInvoiceInput) -> InvoiceDetail:
    """One invoice with its balance and days overdue, its payments, its refunds (credit notes)
    and how much can still be refunded on it."""
    session = ctx.session
    invoice = get_or_404(session, Invoice, args.invoice_id, "invoice")
    payments = session.exec(
        select(Payment)
        .where(Payment.invoice_id == invoice.id)
        .order_by(col(Payment.received_at), col(Payment.id))
    ).all()
    refunds = session.exec(
        select(Refund)
        .where(Refund.invoice_id == invoice.id)
        .order_by(col(Refund.created_at), col(Refund.id))
    ).all()
    refunded_cents = sum(r.amount_cents for r in refunds)
    return InvoiceDetail(
        invoice=InvoiceView.of(invoice, ctx.now.date()),
        payments=[PaymentView.of(p) for p in payments],
        refunds=[RefundView.of(r) for r in refunds],
        refundable=from_cents(max(invoice.paid_cents - refunded_cents, 0)),
    )
