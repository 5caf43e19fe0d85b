"""What ERP operations return: records as callers see them, money as Decimal."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel

from connectors.erp.models import (
    Customer,
    Invoice,
    InvoiceStatus,
    OrderLine,
    OrderStatus,
    Refund,
    SalesOrder,
)
from connectors.money import Money, from_cents


class OrderLineView(BaseModel):
    sku: str
    quantity: int
    unit_price: Money

    @classmethod
    def of(cls, line: OrderLine) -> OrderLineView:
        return cls(
            sku=line.sku, quantity=line.quantity, unit_price=from_cents(line.unit_price_cents)
        )


class OrderView(BaseModel):
    id: str
    account_id: str
    status: OrderStatus
    ordered_at: datetime
    shipped_at: datetime | None
    delivered_at: datetime | None
    cancelled_at: datetime | None
    shipping_address: str
    total: Money
    lines: list[OrderLineView] = []

    @classmethod
    def of(cls, order: SalesOrder, lines: list[OrderLine] | None = None) -> OrderView:
        return cls(
            **order.model_dump(exclude={"total_cents"}),
            total=from_cents(order.total_cents),
            lines=[OrderLineView.of(line) for line in lines or []],
        )


class InvoiceView(BaseModel):
    id: str
    account_id: str
    order_id: str | None
    status: InvoiceStatus
    amount: Money
    paid: Money
    balance: Money
    issued_on: date
    due_on: date

    @classmethod
    def of(cls, invoice: Invoice) -> InvoiceView:
        return cls(
            **invoice.model_dump(exclude={"amount_cents", "paid_cents"}),
            amount=from_cents(invoice.amount_cents),
            paid=from_cents(invoice.paid_cents),
            balance=from_cents(invoice.amount_cents - invoice.paid_cents),
        )


class RefundView(BaseModel):
    id: str
    invoice_id: str
    order_id: str | None
    account_id: str
    amount: Money
    reason: str
    created_at: datetime

    @classmethod
    def of(cls, refund: Refund) -> RefundView:
        return cls(
            **refund.model_dump(exclude={"amount_cents"}), amount=from_cents(refund.amount_cents)
        )


class CustomerView(BaseModel):
    account_id: str
    name: str
    currency: str
    credit_limit: Money
    payment_terms_days: int
    billing_address: str
    billing_email: str

    @classmethod
    def of(cls, customer: Customer) -> CustomerView:
        return cls(
            **customer.model_dump(exclude={"credit_limit_cents"}),
            credit_limit=from_cents(customer.credit_limit_cents),
        )
