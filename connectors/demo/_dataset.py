"""The rows being built, the clock they are dated by, and the builders every generator shares.

Every event in the dataset happened before ``today`` (midnight UTC); only due dates and SLA
deadlines may lie after it. Times are aware UTC, as the systems store them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from random import Random
from typing import TypeVar

from sqlmodel import SQLModel

from connectors.crm.models import Account, Case, Contact, Note
from connectors.demo.company import PRICES, payment_terms_days
from connectors.erp.models import (
    Customer,
    Invoice,
    InvoiceStatus,
    OrderLine,
    OrderStatus,
    OutboxMessage,
    Payment,
    Product,
    Refund,
    SalesOrder,
)
from connectors.erp.send_payment_reminder import BODIES, SUBJECTS, Tone
from connectors.money import from_cents


@dataclass(frozen=True)
class DemoClock:
    """Dates relative to ``today``, so the data looks fresh whenever it is seeded."""

    today: date

    def day(self, days_ago: int) -> date:
        return self.today - timedelta(days=days_ago)

    @property
    def midnight(self) -> datetime:
        """The start of ``today``: every event happened before it."""
        return self.at(0, 0)

    def at(self, days_ago: int, hour: int, minute: int = 0) -> datetime:
        return datetime.combine(self.day(days_ago), time(hour, minute), tzinfo=UTC)

    def office_time(self, rng: Random, days_ago: int) -> datetime:
        return self.at(days_ago, rng.randint(7, 17), rng.randint(0, 59))

    def days_ago(self, moment: date | datetime) -> int:
        day = moment.date() if isinstance(moment, datetime) else moment
        return (self.today - day).days


class IdSequence:
    """``PREFIX-n`` ids counting up from ``start``, skipping ids planted records already hold."""

    def __init__(self, prefix: str, start: int, taken: Iterable[str]) -> None:
        self._prefix = prefix
        self._number = start
        self._taken = frozenset(taken)

    def next(self) -> str:
        while f"{self._prefix}-{self._number}" in self._taken:
            self._number += 1
        self._number += 1
        return f"{self._prefix}-{self._number - 1}"


T = TypeVar("T")


def quota(rng: Random, count: int, fixed: Mapping[T, int], rest: T) -> list[T]:
    """``count`` values in random order: exactly ``fixed[v]`` of each ``v``, ``rest`` for the
    others, so every value occurs whatever the seed."""
    values = [value for value, n in fixed.items() for _ in range(n)]
    values += [rest] * (count - len(values))
    rng.shuffle(values)
    return values


def email_domain(company_name: str) -> str:
    """``Blue Harbor Logistics`` -> ``blueharborlogistics.com``."""
    slug = re.sub(r"[^a-z0-9]", "", company_name.lower().replace("&", "and"))
    return f"{slug}.com"


@dataclass
class Dataset:
    clock: DemoClock
    accounts: list[Account] = field(default_factory=list)
    contacts: list[Contact] = field(default_factory=list)
    cases: list[Case] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    customers: list[Customer] = field(default_factory=list)
    products: list[Product] = field(default_factory=list)
    orders: list[SalesOrder] = field(default_factory=list)
    lines: list[OrderLine] = field(default_factory=list)
    invoices: list[Invoice] = field(default_factory=list)
    payments: list[Payment] = field(default_factory=list)
    refunds: list[Refund] = field(default_factory=list)
    outbox: list[OutboxMessage] = field(default_factory=list)
    sites: dict[str, list[str]] = field(default_factory=dict)
    """Shipping addresses of each account; the first is the billing address."""
    _accounts: dict[str, Account] = field(default_factory=dict)
    _customers: dict[str, Customer] = field(default_factory=dict)
    _orders: dict[str, SalesOrder] = field(default_factory=dict)

    def crm_batches(self) -> list[Sequence[SQLModel]]:
        """The CRM's rows table by table, parents before the children referring to them."""
        return [self.accounts, self.contacts, self.cases, self.notes]

    def erp_batches(self) -> list[Sequence[SQLModel]]:
        """The ERP's rows table by table, parents before the children referring to them."""
        return [
            self.customers,
            self.products,
            self.orders,
            self.lines,
            self.invoices,
            self.payments,
            self.refunds,
            self.outbox,
        ]

    def account(self, account_id: str) -> Account:
        return self._accounts[account_id]

    def customer(self, account_id: str) -> Customer:
        return self._customers[account_id]

    def order(self, order_id: str) -> SalesOrder:
        return self._orders[order_id]

    def add_account(self, account: Account, customer: Customer, sites: list[str]) -> None:
        self.accounts.append(account)
        self.customers.append(customer)
        self._accounts[account.id] = account
        self._customers[account.id] = customer
        self.sites[account.id] = sites

    def add_order(
        self,
        order_id: str,
        account_id: str,
        status: OrderStatus,
        items: Sequence[tuple[str, int]],
        ordered_at: datetime,
        *,
        shipped_at: datetime | None = None,
        delivered_at: datetime | None = None,
        cancelled_at: datetime | None = None,
        address: str | None = None,
    ) -> SalesOrder:
        """An order and its lines, priced from the catalogue; ``items`` are (sku, quantity)."""
        order = SalesOrder(
            id=order_id,
            account_id=account_id,
            status=status,
            ordered_at=ordered_at,
            shipped_at=shipped_at,
            delivered_at=delivered_at,
            cancelled_at=cancelled_at,
            shipping_address=address or self.sites[account_id][0],
            total_cents=sum(PRICES[sku] * quantity for sku, quantity in items),
        )
        self.orders.append(order)
        self._orders[order_id] = order
        for sku, quantity in items:
            self.lines.append(
                OrderLine(
                    id=len(self.lines) + 1,
                    order_id=order_id,
                    sku=sku,
                    quantity=quantity,
                    unit_price_cents=PRICES[sku],
                )
            )
        return order

    def add_invoice(
        self, invoice_id: str, order: SalesOrder, issued_on: date, *, void: bool = False
    ) -> Invoice:
        """The invoice for ``order``, due after the account's payment terms."""
        terms = payment_terms_days(self.account(order.account_id).tier)
        invoice = Invoice(
            id=invoice_id,
            account_id=order.account_id,
            order_id=order.id,
            status=InvoiceStatus.VOID if void else InvoiceStatus.OPEN,
            amount_cents=order.total_cents,
            issued_on=issued_on,
            due_on=issued_on + timedelta(days=terms),
        )
        self.invoices.append(invoice)
        self.refresh_status(invoice)
        return invoice

    def add_payment(
        self, payment_id: str, invoice: Invoice, cents: int, method: str, received_at: datetime
    ) -> Payment:
        """A payment received against ``invoice``, reflected in its paid amount and status."""
        payment = Payment(
            id=payment_id,
            invoice_id=invoice.id,
            account_id=invoice.account_id,
            amount_cents=cents,
            method=method,
            received_at=received_at,
        )
        self.payments.append(payment)
        invoice.paid_cents += cents
        self.refresh_status(invoice)
        return payment

    def refresh_status(self, invoice: Invoice) -> None:
        if invoice.status is InvoiceStatus.VOID:
            return
        if invoice.paid_cents >= invoice.amount_cents:
            invoice.status = InvoiceStatus.PAID
        elif invoice.due_on < self.clock.today:
            invoice.status = InvoiceStatus.OVERDUE
        else:
            invoice.status = InvoiceStatus.OPEN

    def add_reminder(self, invoice: Invoice, sent_at: datetime, tone: Tone) -> OutboxMessage:
        """A payment reminder as ``send_payment_reminder`` words it, to the billing email."""
        customer = self.customer(invoice.account_id)
        balance = from_cents(invoice.amount_cents - invoice.paid_cents)
        fields = {
            "customer": customer.name,
            "invoice": invoice.id,
            "due": f"{customer.currency} {balance:,}",
            "due_on": f"{invoice.due_on:%Y-%m-%d}",
            "days": (sent_at.date() - invoice.due_on).days,
        }
        message = OutboxMessage(
            id=len(self.outbox) + 1,
            account_id=invoice.account_id,
            invoice_id=invoice.id,
            to=customer.billing_email,
            subject=SUBJECTS[tone].format(**fields),
            body=BODIES[tone].format(**fields),
            created_at=sent_at,
        )
        self.outbox.append(message)
        return message

    def add_note(
        self, account_id: str, author: str, body: str, created_at: datetime, case_id: str | None
    ) -> Note:
        note = Note(
            id=len(self.notes) + 1,
            account_id=account_id,
            case_id=case_id,
            author=author,
            body=body,
            created_at=created_at,
        )
        self.notes.append(note)
        return note
