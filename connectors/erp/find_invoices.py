from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field, model_validator
from sqlmodel import col, select

from connectors._lookup import get_or_404
from connectors.erp._receivables import overdue, unpaid
from connectors.erp.models import Customer, Invoice, InvoiceStatus
from connectors.erp.views import InvoiceView
from connectors.operation import Kind, SystemContext, operation


class FindInvoicesInput(BaseModel):
    account_id: str | None = Field(
        None, max_length=50, description="Only invoices of this customer, e.g. ACC-1001."
    )
    status: InvoiceStatus | None = Field(
        None,
        description="Only invoices with this stored status. The stored status lags: to find "
        "everything past due use overdue instead.",
    )
    overdue: bool = Field(
        False,
        description="Only invoices with a balance left, not void, and past their due date, "
        "whatever their stored status.",
    )
    unpaid: bool = Field(
        False,
        description="Only invoices with a balance left and not void, due or not, overdue or "
        "not: everything a customer still owes.",
    )
    due_from: date | None = Field(None, description="Only invoices due on or after this day.")
    due_to: date | None = Field(None, description="Only invoices due on or before this day.")
    limit: int = Field(20, ge=1, le=200, description="Most invoices to return.")

    @model_validator(mode="after")
    def _range(self) -> FindInvoicesInput:
        if self.due_from and self.due_to and self.due_from > self.due_to:
            raise ValueError("due_from is after due_to; swap them")
        return self


class FindInvoicesOutput(BaseModel):
    invoices: list[InvoiceView]


@operation("erp", Kind.READ)
def find_invoices(ctx: SystemContext, args: FindInvoicesInput) -> FindInvoicesOutput:
    """Find invoices, each with its balance and days overdue as of today; filters combine.

    With overdue, the most overdue come first; otherwise the latest issued come first.
    Refused (not found) when account_id names no customer.
    """
    today = ctx.now.date()
    query = select(Invoice)
    if args.account_id:
        get_or_404(ctx.session, Customer, args.account_id, "customer")
        query = query.where(Invoice.account_id == args.account_id)
    if args.status:
        query = query.where(Invoice.status == args.status)
    if args.overdue:
        query = query.where(overdue(today))
    if args.unpaid:
        query = query.where(unpaid())
    if args.due_from:
        query = query.where(Invoice.due_on >= args.due_from)
    if args.due_to:
        query = query.where(Invoice.due_on <= args.due_to)
    if args.overdue:
        query = query.order_by(col(Invoice.due_on), col(Invoice.id))
    else:
        query = query.order_by(col(Invoice.issued_on).desc(), col(Invoice.id).desc())
    rows = ctx.session.exec(query.limit(args.limit)).all()
    return FindInvoicesOutput(invoices=[InvoiceView.of(r, today) for r in rows])
