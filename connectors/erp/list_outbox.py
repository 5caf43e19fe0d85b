from __future__ import annotations

from pydantic import BaseModel, Field
from sqlmodel import col, select

from connectors._lookup import get_or_404
from connectors.erp.models import Customer, OutboxMessage
from connectors.erp.views import OutboxMessageView
from connectors.operation import Kind, SystemContext, operation


class ListOutboxInput(BaseModel):
    account_id: str | None = Field(
        None, max_length=50, description="Only mail to this customer, e.g. ACC-1001."
    )
    invoice_id: str | None = Field(
        None, max_length=50, description="Only mail about this invoice, e.g. INV-2001."
    )
    limit: int = Field(20, ge=1, le=200, description="Most messages to return.")


class ListOutboxOutput(BaseModel):
    messages: list[OutboxMessageView]


@operation("erp", Kind.READ)
def list_outbox(ctx: SystemContext, args: ListOutboxInput) -> ListOutboxOutput:
    """Mail the ERP has queued to customers (payment reminders), newest first.

    Refused (not found) when account_id names no customer.
    """
    query = select(OutboxMessage)
    if args.account_id:
        get_or_404(ctx.session, Customer, args.account_id, "customer")
        query = query.where(OutboxMessage.account_id == args.account_id)
    if args.invoice_id:
        query = query.where(OutboxMessage.invoice_id == args.invoice_id)
    query = query.order_by(col(OutboxMessage.created_at).desc(), col(OutboxMessage.id).desc())
    rows = ctx.session.exec(query.limit(args.limit)).all()
    return ListOutboxOutput(messages=[OutboxMessageView.model_validate(r) for r in rows])
