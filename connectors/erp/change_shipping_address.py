from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, field_validator

from connectors._lookup import get_or_404
from connectors.erp._orders import with_lines
from connectors.erp.models import BEFORE_SHIPPING, SalesOrder
from connectors.erp.views import OrderView
from connectors.errors import RuleViolation
from connectors.operation import Kind, Risk, SystemContext, operation

MIN_ADDRESS_LENGTH = 15


class ChangeShippingAddressInput(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)

    order_id: str = Field(max_length=50, description="The order to ship elsewhere, e.g. SO-1042.")
    address: str = Field(
        max_length=300,
        description="The full new postal address on one line, parts separated by commas: "
        "street and number, postcode and city, country, e.g. '12 Harbour Road, Leith EH6 6LX, UK'.",
    )

    @field_validator("address")
    @classmethod
    def _full_address(cls, value: str) -> str:
        if len(value) < MIN_ADDRESS_LENGTH or "," not in value or not any(map(str.isdigit, value)):
            raise ValueError(
                f"{value!r} does not look like a full postal address: give street and number, "
                "postcode and city, separated by commas, e.g. '12 Harbour Road, Leith EH6 6LX, UK'"
            )
        return value


def _done(args: ChangeShippingAddressInput, order: OrderView) -> str:
    return f"Changed the shipping address of order {order.id}"


@operation("erp", Kind.WRITE, Risk.MEDIUM, done=_done)
def change_shipping_address(ctx: SystemContext, args: ChangeShippingAddressInput) -> OrderView:
    """Change where an order will be shipped, while it is still pending or confirmed.

    Refused once the order has shipped, been delivered or been cancelled; invalid when the
    address is not a full postal address (at least 15 characters, a number and a comma).
    """
    order = get_or_404(ctx.session, SalesOrder, args.order_id, "order")
    if order.status not in BEFORE_SHIPPING:
        raise RuleViolation(
            f"order {order.id} is {order.status.value}; its address can only change before it "
            "ships (pending or confirmed)",
            status=order.status.value,
        )
    order.shipping_address = args.address
    ctx.session.flush()
    return with_lines(ctx.session, [order])[0]
