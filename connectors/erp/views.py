"""What ERP operations return: records as callers see them, money as Decimal."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field

from connectors.erp._receivables import days_overdue
from connectors.erp.models import (
    Customer,
    Invoice,
    InvoiceStatus,
    OrderLine,
    OrderStatus,
    Payment,
    Product,
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
    days_overdue: int | None = Field(
        None,
        description="Days past due as of today, 0 when not overdue (whatever the stored "
        "status says); null when not worked out.",
    )

    @classmethod
    def of(cls, invoice: Invoice, today: date | None = None) -> InvoiceView:
        """The invoice; with ``today``, also how many days it is past due."""
        return cls(
            **invoice.model_dump(exclude={"amount_cents", "paid_cents"}),
            amount=from_cents(invoice.amount_cents),
            paid=from_cents(invoice.paid_cents),
            balance=from_cents(invoice.amount_cents - invoice.paid_cents),
            days_overdue=None if today is None else days_overdue(invoice, today),
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


class CustomerCreditView(CustomerView):
    """A customer with what it owes and how much of its credit limit is in use."""

    open_balance: Money = Field(description="Unpaid balances of all its invoices, void excluded.")
    overdue_balance: Money = Field(description="The part of open_balance already past due.")
    uninvoiced_orders: Money = Field(
        description="Totals of its confirmed, shipped or delivered orders not invoiced yet."
    )
    credit_used: Money = Field(description="open_balance plus uninvoiced_orders.")
    credit_available: Money = Field(
        description="credit_limit minus credit_used; negative when the customer is over its limit."
    )


class PaymentView(BaseModel):
    id: str
    invoice_id: str
    account_id: str
    amount: Money
    method: str
    received_at: datetime

    @classmethod
    def of(cls, payment: Payment) -> PaymentView:
        return cls(
            **payment.model_dump(exclude={"amount_cents"}), amount=from_cents(payment.amount_cents)
        )


class InvoiceDetail(BaseModel):
    invoice: InvoiceView
    payments: list[PaymentView] = Field(description="Payments received, oldest first.")
    refunds: list[RefundView] = Field(description="Credit notes booked against it, oldest first.")
    refundable: Money = Field(
        description="Paid minus already refunded: the most erp.create_refund accepts."
    )


class ProductView(BaseModel):
    sku: str
    name: str
    category: str
    price: Money
    stock: int
    active: bool = Field(description="False for a product no longer sold.")

    @classmethod
    def of(cls, product: Product) -> ProductView:
        return cls(
            **product.model_dump(exclude={"price_cents"}), price=from_cents(product.price_cents)
        )


class OutboxMessageView(BaseModel):
    """Mail the ERP has queued (payment reminders)."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    account_id: str
    invoice_id: str | None
    to: str
    subject: str
    body: str
    created_at: datetime
