from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field
from sqlalchemy import exists, func
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from connectors._lookup import get_or_404
from connectors.erp._receivables import overdue, unpaid
from connectors.erp.models import Customer, Invoice, InvoiceStatus, OrderStatus, SalesOrder
from connectors.erp.views import CustomerCreditView, CustomerView
from connectors.money import from_cents
from connectors.operation import Kind, SystemContext, operation

# Orders the customer has committed to; pending ones are not accepted yet, so use no credit.
COMMITTED = frozenset({OrderStatus.CONFIRMED, OrderStatus.SHIPPED, OrderStatus.DELIVERED})


class GetCustomerInput(BaseModel):
    account_id: str = Field(
        max_length=50, description="The customer's account id (same as in the CRM), e.g. ACC-1001."
    )


@operation("erp", Kind.READ)
def get_customer(ctx: SystemContext, args: GetCustomerInput) -> CustomerCreditView:
    """A customer's billing data and credit position: limit, open and overdue balance, used and
    available credit.

    Credit used is the unpaid invoice balances (void excluded) plus committed orders not yet
    invoiced. Overdue counts every unpaid invoice past its due date, even one still marked open.
    """
    session = ctx.session
    customer = get_or_404(session, Customer, args.account_id, "customer")
    balance = col(Invoice.amount_cents) - col(Invoice.paid_cents)
    owed = select(func.coalesce(func.sum(balance), 0)).where(
        Invoice.account_id == customer.account_id
    )
    open_cents = _cents(session, owed.where(unpaid()))
    overdue_cents = _cents(session, owed.where(overdue(ctx.now.date())))
    invoiced = exists().where(
        col(Invoice.order_id) == col(SalesOrder.id), col(Invoice.status) != InvoiceStatus.VOID
    )
    uninvoiced_cents = _cents(
        session,
        select(func.coalesce(func.sum(SalesOrder.total_cents), 0)).where(
            SalesOrder.account_id == customer.account_id,
            col(SalesOrder.status).in_(COMMITTED),
            ~invoiced,
        ),
    )
    used_cents = open_cents + uninvoiced_cents
    return CustomerCreditView(
        **CustomerView.of(customer).model_dump(),
        open_balance=from_cents(open_cents),
        overdue_balance=from_cents(overdue_cents),
        uninvoiced_orders=from_cents(uninvoiced_cents),
        credit_used=from_cents(used_cents),
        credit_available=from_cents(customer.credit_limit_cents - used_cents),
    )


def _cents(session: Session, query: SelectOfScalar[Any]) -> int:
    return int(session.exec(query).one())
