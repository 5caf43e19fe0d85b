from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from pydantic import BaseModel, Field, model_validator
from sqlmodel import col, select

from connectors._lookup import get_or_404
from connectors.erp._orders import with_lines
from connectors.erp.models import BEFORE_SHIPPING, Customer, OrderStatus, SalesOrder
from connectors.erp.views import OrderView
from connectors.operation import Kind, SystemContext, operation


class FindOrdersInput(BaseModel):
    account_id: str | None = Field(
        None, max_length=50, description="Only orders of this customer, e.g. ACC-1001."
    )
    status: OrderStatus | None = Field(None, description="Only orders with this status.")
    not_shipped: bool = Field(
        False, description="Only orders that have not shipped yet (pending or confirmed)."
    )
    ordered_from: date | None = Field(
        None, description="Only orders placed on or after this day (YYYY-MM-DD, UTC)."
    )
    ordered_to: date | None = Field(
        None, description="Only orders placed on or before this day (YYYY-MM-DD, UTC)."
    )
    limit: int = Field(20, ge=1, le=200, description="Most orders to return.")

    @model_validator(mode="after")
    def _range(self) -> FindOrdersInput:
        if self.ordered_from and self.ordered_to and self.ordered_from > self.ordered_to:
            raise ValueError("ordered_from is after ordered_to; swap them")
        return self


class FindOrdersOutput(BaseModel):
    orders: list[OrderView]


@operation("erp", Kind.READ)
def find_orders(ctx: SystemContext, args: FindOrdersInput) -> FindOrdersOutput:
    """Find sales orders, with their lines, newest first; filters combine.

    Refused (not found) when account_id names no customer.
    """
    query = select(SalesOrder)
    if args.account_id:
        get_or_404(ctx.session, Customer, args.account_id, "customer")
        query = query.where(SalesOrder.account_id == args.account_id)
    if args.status:
        query = query.where(SalesOrder.status == args.status)
    if args.not_shipped:
        query = query.where(col(SalesOrder.status).in_(BEFORE_SHIPPING))
    midnight = time(tzinfo=UTC)  # days are UTC days, as the stored times are
    if args.ordered_from:
        start = datetime.combine(args.ordered_from, midnight)
        query = query.where(SalesOrder.ordered_at >= start)
    if args.ordered_to:
        end = datetime.combine(args.ordered_to + timedelta(days=1), midnight)
        query = query.where(SalesOrder.ordered_at < end)
    query = query.order_by(col(SalesOrder.ordered_at).desc(), col(SalesOrder.id).desc())
    orders = ctx.session.exec(query.limit(args.limit)).all()
    return FindOrdersOutput(orders=with_lines(ctx.session, orders))
