"""The ERP's tables: customers and credit, products, orders, invoices, payments, refunds.

Money is stored in integer cents so that no sum is ever off by a float rounding.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlmodel import Field, SQLModel


class OrderStatus(StrEnum):
    PENDING = "pending"
    CONFIRMED = "confirmed"
    SHIPPED = "shipped"
    DELIVERED = "delivered"
    CANCELLED = "cancelled"


# Until it ships an order can still be cancelled or sent elsewhere.
BEFORE_SHIPPING = frozenset({OrderStatus.PENDING, OrderStatus.CONFIRMED})


class InvoiceStatus(StrEnum):
    OPEN = "open"
    PAID = "paid"
    OVERDUE = "overdue"
    VOID = "void"


class Customer(SQLModel, table=True):
    """The ERP's view of a CRM account: same id, billing data and credit."""

    __tablename__ = "customers"

    account_id: str = Field(primary_key=True)
    name: str
    currency: str = "USD"
    credit_limit_cents: int = Field(ge=0)
    payment_terms_days: int = 30
    billing_address: str = Field(description="PII.")
    billing_email: str = Field(description="PII: where invoices and reminders go.")


class Product(SQLModel, table=True):
    __tablename__ = "products"

    sku: str = Field(primary_key=True)
    name: str = Field(index=True)
    category: str
    price_cents: int = Field(ge=0)
    stock: int
    active: bool = True


class SalesOrder(SQLModel, table=True):
    __tablename__ = "sales_orders"

    id: str = Field(primary_key=True, description="e.g. SO-1042.")
    account_id: str = Field(foreign_key="customers.account_id", index=True)
    status: OrderStatus = OrderStatus.PENDING
    ordered_at: datetime
    shipped_at: datetime | None = None
    delivered_at: datetime | None = None
    cancelled_at: datetime | None = None
    shipping_address: str = Field(description="PII.")
    total_cents: int = Field(ge=0)


class OrderLine(SQLModel, table=True):
    __tablename__ = "order_lines"

    id: int | None = Field(default=None, primary_key=True)
    order_id: str = Field(foreign_key="sales_orders.id", index=True)
    sku: str = Field(foreign_key="products.sku")
    quantity: int = Field(gt=0)
    unit_price_cents: int = Field(ge=0)


class Invoice(SQLModel, table=True):
    __tablename__ = "invoices"

    id: str = Field(primary_key=True, description="e.g. INV-2001.")
    account_id: str = Field(foreign_key="customers.account_id", index=True)
    order_id: str | None = Field(default=None, foreign_key="sales_orders.id", index=True)
    status: InvoiceStatus = InvoiceStatus.OPEN
    amount_cents: int = Field(ge=0)
    paid_cents: int = Field(default=0, ge=0)
    issued_on: date
    due_on: date


class Payment(SQLModel, table=True):
    __tablename__ = "payments"

    id: str = Field(primary_key=True, description="e.g. PAY-3001.")
    invoice_id: str = Field(foreign_key="invoices.id", index=True)
    account_id: str = Field(foreign_key="customers.account_id", index=True)
    amount_cents: int = Field(gt=0)
    method: str
    received_at: datetime


class Refund(SQLModel, table=True):
    """A refund, booked as a credit note against a paid invoice."""

    __tablename__ = "refunds"

    id: str = Field(primary_key=True, description="e.g. CN-4001.")
    invoice_id: str = Field(foreign_key="invoices.id", index=True)
    order_id: str | None = Field(default=None, foreign_key="sales_orders.id")
    account_id: str = Field(foreign_key="customers.account_id", index=True)
    amount_cents: int = Field(gt=0)
    reason: str
    created_at: datetime


class OutboxMessage(SQLModel, table=True):
    """Mail the ERP would send (payment reminders); kept, never delivered, in the stub."""

    __tablename__ = "outbox"

    id: int | None = Field(default=None, primary_key=True)
    account_id: str = Field(foreign_key="customers.account_id", index=True)
    invoice_id: str | None = Field(default=None, foreign_key="invoices.id")
    to: str = Field(description="PII.")
    subject: str
    body: str
    created_at: datetime


TABLES = (Customer, Product, SalesOrder, OrderLine, Invoice, Payment, Refund, OutboxMessage)
