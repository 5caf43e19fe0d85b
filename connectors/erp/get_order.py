from __future__ import annotations

from pydantic import BaseModel, Field

from connectors._lookup import get_or_404
from connectors.erp._orders import with_lines
from connectors.erp.models import SalesOrder
from connectors.erp.views import OrderView
from connectors.operation import Kind, SystemContext, operation


class GetOrderInput(BaseModel):
    order_id: str = Field(max_length=50, description="The order, e.g. SO-1042.")


@operation("erp", Kind.READ)
def get_order(ctx: SystemContext, args: GetOrderInput) -> OrderView:
    """One sales order with its lines, status dates and shipping address."""
    order = get_or_404(ctx.session, SalesOrder, args.order_id, "order")
    return with_lines(ctx.session, [order])[0]
