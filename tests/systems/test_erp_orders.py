"""ERP orders and products: finding, reading, re-addressing and cancelling orders."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pytest
from sqlmodel import select

from connectors.erp.models import Invoice, InvoiceStatus, OrderStatus, SalesOrder
from connectors.errors import InvalidInput, NotFound, RuleViolation
from connectors.system import System


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({}, ["SO-1003", "SO-1007", "SO-1004", "SO-1005", "SO-1006", "SO-1001", "SO-1002"]),
        ({"account_id": "ACC-1002"}, ["SO-1007", "SO-1006"]),
        ({"status": "delivered"}, ["SO-1001", "SO-1002"]),
        ({"ordered_from": "2026-03-10"}, ["SO-1003", "SO-1007", "SO-1004"]),
        ({"ordered_to": "2026-01-02"}, ["SO-1001", "SO-1002"]),  # the whole last day counts
        ({"ordered_from": "2026-03-01", "ordered_to": "2026-03-10"}, ["SO-1004", "SO-1005"]),
        ({"account_id": "ACC-1001", "status": "pending"}, ["SO-1003"]),
        ({"limit": 1}, ["SO-1003"]),
    ],
)
def test_find_orders_filters_newest_first(
    erp: System, filters: dict[str, object], expected: list[str]
) -> None:
    found = erp.execute("find_orders", filters)
    assert [o.id for o in found.orders] == expected


def test_find_orders_includes_each_orders_lines(erp: System) -> None:
    found = erp.execute("find_orders", {"status": "delivered"})
    assert [[line.sku for line in o.lines] for o in found.orders] == [["P-100", "P-400"], []]


def test_find_orders_refuses_a_reversed_date_range(erp: System) -> None:
    with pytest.raises(InvalidInput) as raised:
        erp.execute("find_orders", {"ordered_from": "2026-03-10", "ordered_to": "2026-03-01"})
    assert "swap them" in str(raised.value.details["errors"])


def test_find_orders_of_an_unknown_customer_is_not_found(erp: System) -> None:
    with pytest.raises(NotFound):
        erp.execute("find_orders", {"account_id": "ACC-9999"})


def test_get_order_has_its_lines(erp: System) -> None:
    order = erp.execute("get_order", {"order_id": "SO-1001"})

    assert (order.status, order.total) == ("delivered", Decimal("3000.00"))
    assert [(line.sku, line.quantity, line.unit_price) for line in order.lines] == [
        ("P-100", 100, Decimal("19.99")),
        ("P-400", 83, Decimal("12.05")),
    ]
    with pytest.raises(NotFound, match="no order 'SO-9'"):
        erp.execute("get_order", {"order_id": "SO-9"})


NEW_ADDRESS = "27 Canal Street, Manchester M1 3HE, UK"


def _readdress(erp: System, order_id: str, address: str = NEW_ADDRESS) -> object:
    args = {"order_id": order_id, "address": address}
    return erp.execute("change_shipping_address", args, idempotency_key=f"csa-{order_id}")


def _address(erp: System, order_id: str) -> str:
    with erp.session() as session:
        order = session.get(SalesOrder, order_id)
        assert order is not None
        return order.shipping_address


@pytest.mark.parametrize("order_id", ["SO-1003", "SO-1004"])  # pending, confirmed
def test_change_shipping_address_before_shipping(erp: System, order_id: str) -> None:
    order = _readdress(erp, order_id)

    assert order.shipping_address == NEW_ADDRESS
    assert _address(erp, order_id) == NEW_ADDRESS


@pytest.mark.parametrize(
    ("order_id", "status"),
    [("SO-1005", "shipped"), ("SO-1001", "delivered"), ("SO-1006", "cancelled")],
)
def test_change_shipping_address_refuses_once_shipped(
    erp: System, order_id: str, status: str
) -> None:
    with pytest.raises(RuleViolation, match=f"{order_id} is {status}"):
        _readdress(erp, order_id)
    assert _address(erp, order_id) == "1 Dock Street, Leith EH6 6AA, UK"


@pytest.mark.parametrize(
    "address",
    [
        "Manchester, UK",  # too short
        "Canal Street, Manchester, UK",  # no number
        "27 Canal Street Manchester M1 3HE",  # no comma
        "",
    ],
)
def test_change_shipping_address_needs_a_full_postal_address(erp: System, address: str) -> None:
    with pytest.raises(InvalidInput) as raised:
        _readdress(erp, "SO-1003", address)
    assert "full postal address" in str(raised.value.details["errors"])
    assert _address(erp, "SO-1003") == "1 Dock Street, Leith EH6 6AA, UK"


def test_cancel_order_cancels_a_pending_order_and_voids_its_unpaid_invoice(
    erp: System, now: datetime
) -> None:
    order = erp.execute(
        "cancel_order", {"order_id": "SO-1007", "reason": "Ordered twice"}, idempotency_key="co-1"
    )

    assert (order.status, order.cancelled_at) == ("cancelled", now)
    with erp.session() as session:
        invoice = session.get(Invoice, "INV-2008")
        assert invoice is not None and invoice.status == InvoiceStatus.VOID


@pytest.mark.parametrize(
    ("order_id", "status"),
    [("SO-1005", "shipped"), ("SO-1001", "delivered"), ("SO-1006", "cancelled")],
)
def test_cancel_order_refuses_shipped_delivered_and_cancelled_orders(
    erp: System, order_id: str, status: str
) -> None:
    with pytest.raises(RuleViolation, match=f"{order_id} is {status} and cannot be cancelled"):
        erp.execute(
            "cancel_order", {"order_id": order_id, "reason": "Changed mind"}, idempotency_key="co"
        )
    with erp.session() as session:
        statuses = dict(session.exec(select(SalesOrder.id, SalesOrder.status)).all())
        assert statuses[order_id] == OrderStatus(status)


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({}, ["P-400", "P-200", "P-300", "P-100"]),
        ({"name": "BOX"}, ["P-400", "P-200"]),
        ({"category": "equipment"}, ["P-400", "P-300"]),
        ({"in_stock_only": True}, ["P-400", "P-100"]),  # P-200 has none, P-300 is not sold
        ({"category": "Packaging", "in_stock_only": True}, ["P-100"]),
        ({"limit": 1}, ["P-400"]),
    ],
)
def test_find_products_filters(
    erp: System, filters: dict[str, object], expected: list[str]
) -> None:
    found = erp.execute("find_products", filters)
    assert [p.sku for p in found.products] == expected


def test_find_products_shows_price_stock_and_whether_still_sold(erp: System) -> None:
    (printer,) = erp.execute("find_products", {"name": "label"}).products
    assert (printer.price, printer.stock, printer.active) == (Decimal("450.00"), 5, False)
