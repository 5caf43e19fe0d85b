"""Orders with their lines, loaded in one query however many orders there are."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from sqlmodel import Session, col, select

from connectors.erp.models import OrderLine, SalesOrder
from connectors.erp.views import OrderView


def with_lines(session: Session, orders: Sequence[SalesOrder]) -> list[OrderView]:
    lines: dict[str, list[OrderLine]] = defaultdict(list)
    if orders:
        query = (
            select(OrderLine)
            .where(col(OrderLine.order_id).in_([o.id for o in orders]))
            .order_by(col(OrderLine.id))
        )
        for line in session.exec(query):
            lines[line.order_id].append(line)
    return [OrderView.of(order, lines[order.id]) for order in orders]
