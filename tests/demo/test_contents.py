"""What the demo dataset holds: volumes, every enum value, and rows that agree with each other."""

from __future__ import annotations

import csv
from collections import Counter, defaultdict
from decimal import Decimal
from enum import StrEnum
from pathlib import Path

import pytest

from connectors.crm.models import (
    Account,
    AccountStatus,
    Case,
    CaseStatus,
    Contact,
    Note,
    Priority,
    Tier,
)
from connectors.crm.sla import sla_due_at
from connectors.demo import _quality
from connectors.demo._dataset import email_domain
from connectors.demo.company import ACCOUNT_OWNERS, CATALOGUE, OPERATORS
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
from connectors.system import System

from .conftest import MIDNIGHT, TODAY, rows

PRICE_LIST = Path(__file__).parents[2] / "knowledge" / "sales" / "price-list-2026.csv"

Systems = dict[str, System]


@pytest.mark.parametrize(
    ("model", "prefix", "first", "at_least"),
    [
        (Account, "ACC", 1001, 50),
        (Contact, "CON", 1001, 150),
        (SalesOrder, "SO", 1001, 300),
        (Invoice, "INV", 2001, 250),
        (Payment, "PAY", 3001, 200),
        (Refund, "CN", 4001, 5),
        (Case, "CS", 1001, 60),
    ],
)
def test_volumes_and_id_ranges(
    seeded: Systems, model: type[Account], prefix: str, first: int, at_least: int
) -> None:
    ids = [row.id for row in rows(seeded, model)]

    assert len(ids) >= at_least
    assert f"{prefix}-{first}" in ids
    assert all(i.startswith(f"{prefix}-") and int(i.split("-")[1]) >= first for i in ids)


def test_other_tables_have_rows(seeded: Systems) -> None:
    assert len(rows(seeded, Product)) == len(CATALOGUE) == 40
    assert len(rows(seeded, Customer)) == len(rows(seeded, Account))
    assert len(rows(seeded, Note)) >= 30
    assert 3 <= len(rows(seeded, OutboxMessage)) <= 10


@pytest.mark.parametrize(
    ("model", "field", "enum"),
    [
        (Account, "status", AccountStatus),
        (Account, "tier", Tier),
        (Case, "status", CaseStatus),
        (Case, "priority", Priority),
        (SalesOrder, "status", OrderStatus),
        (Invoice, "status", InvoiceStatus),
    ],
)
def test_every_enum_value_occurs(
    seeded: Systems, model: type[Account], field: str, enum: type[StrEnum]
) -> None:
    assert {getattr(row, field) for row in rows(seeded, model)} == set(enum)


def test_credit_ratings_a_to_d_all_occur(seeded: Systems) -> None:
    assert {a.credit_rating for a in rows(seeded, Account)} == {"A", "B", "C", "D"}


def _days_overdue(seeded: Systems) -> dict[str, int]:
    return {
        i.id: (TODAY - i.due_on).days
        for i in rows(seeded, Invoice)
        if i.status != InvoiceStatus.VOID and i.paid_cents < i.amount_cents and i.due_on < TODAY
    }


@pytest.mark.parametrize(("low", "high"), [(7, 29), (30, 59), (60, 400)])
def test_invoices_are_overdue_by_7_30_and_60_days(seeded: Systems, low: int, high: int) -> None:
    assert any(low <= days <= high for days in _days_overdue(seeded).values())


def test_only_accounts_on_hold_are_60_days_overdue(seeded: Systems) -> None:
    status = {a.id: a.status for a in rows(seeded, Account)}
    invoices = {i.id: i for i in rows(seeded, Invoice)}
    late = {invoices[i].account_id for i, days in _days_overdue(seeded).items() if days >= 60}

    assert late
    assert {status[a] for a in late} == {AccountStatus.ON_HOLD}
    assert sum(s == AccountStatus.ON_HOLD for s in status.values()) >= 2


def test_orders_total_their_lines_at_list_prices(seeded: Systems) -> None:
    prices = {p.sku: p.price_cents for p in rows(seeded, Product)}
    lines: dict[str, list[OrderLine]] = defaultdict(list)
    for line in rows(seeded, OrderLine):
        lines[line.order_id].append(line)

    for order in rows(seeded, SalesOrder):
        mine = lines[order.id]
        assert 1 <= len(mine) <= 5, order.id
        assert all(line.unit_price_cents == prices[line.sku] for line in mine)
        assert order.total_cents == sum(line.quantity * line.unit_price_cents for line in mine)


def test_order_timestamps_follow_the_status(seeded: Systems) -> None:
    for o in rows(seeded, SalesOrder):
        assert o.ordered_at < MIDNIGHT
        assert (o.shipped_at is not None) == (o.status in {OrderStatus.SHIPPED, "delivered"})
        assert (o.delivered_at is not None) == (o.status == OrderStatus.DELIVERED)
        assert (o.cancelled_at is not None) == (o.status == OrderStatus.CANCELLED)
        moments = [o.ordered_at, o.shipped_at, o.delivered_at]
        happened = [m for m in moments if m is not None]
        assert happened == sorted(happened) and happened[-1] < MIDNIGHT, o.id


def test_invoices_agree_with_their_payments_and_orders(seeded: Systems) -> None:
    paid: Counter[str] = Counter()
    for payment in rows(seeded, Payment):
        paid[payment.invoice_id] += payment.amount_cents
        assert payment.received_at < MIDNIGHT
    orders = {o.id: o for o in rows(seeded, SalesOrder)}

    for i in rows(seeded, Invoice):
        assert i.paid_cents == paid[i.id] <= i.amount_cents, i.id
        assert i.order_id is not None and i.amount_cents == orders[i.order_id].total_cents
        if i.status == InvoiceStatus.VOID:
            assert orders[i.order_id].status == OrderStatus.CANCELLED and i.paid_cents == 0
        elif i.paid_cents == i.amount_cents:
            assert i.status == InvoiceStatus.PAID
        elif i.due_on < TODAY and i.id != _quality.STALE_OPEN_INVOICE:
            assert i.status == InvoiceStatus.OVERDUE, i.id
        else:
            assert i.status == InvoiceStatus.OPEN, i.id


def test_payment_terms_and_credit_limits_follow_tier_and_rating(seeded: Systems) -> None:
    limits = {"A": 5_000_000, "B": 2_500_000, "C": 1_000_000, "D": 0}
    customers = {c.account_id: c for c in rows(seeded, Customer)}
    for a in rows(seeded, Account):
        customer = customers[a.id]
        assert customer.credit_limit_cents == limits[a.credit_rating]
        assert customer.payment_terms_days == (45 if a.tier == Tier.PLATINUM else 30)
        assert customer.billing_email.endswith("@" + email_domain(a.name))
        assert customer.billing_address


def test_invoices_are_due_after_the_payment_terms(seeded: Systems) -> None:
    terms = {c.account_id: c.payment_terms_days for c in rows(seeded, Customer)}
    for i in rows(seeded, Invoice):
        assert (i.due_on - i.issued_on).days == terms[i.account_id]


def test_refunds_never_exceed_what_was_paid(seeded: Systems) -> None:
    invoices = {i.id: i for i in rows(seeded, Invoice)}
    refunded: Counter[str] = Counter()
    for r in rows(seeded, Refund):
        refunded[r.invoice_id] += r.amount_cents
        assert invoices[r.invoice_id].status == InvoiceStatus.PAID
        assert r.created_at < MIDNIGHT
    assert all(cents <= invoices[i].paid_cents for i, cents in refunded.items())


def test_cases_have_sla_deadlines_by_tier_and_priority(seeded: Systems) -> None:
    tiers = {a.id: a.tier for a in rows(seeded, Account)}
    for c in rows(seeded, Case):
        assert c.sla_due_at == sla_due_at(tiers[c.account_id], c.priority, c.created_at)
        assert c.created_at < MIDNIGHT
        assert (c.closed_at is not None) == (c.status == CaseStatus.CLOSED)
        assert (c.escalation_level > 0) == (c.status == CaseStatus.ESCALATED), c.id


def test_some_open_cases_breach_their_sla_and_most_do_not(seeded: Systems) -> None:
    open_cases = [c for c in rows(seeded, Case) if c.status not in {"resolved", "closed"}]
    breached = [c for c in open_cases if c.sla_due_at < MIDNIGHT]

    assert 0 < len(breached) < len(open_cases) / 2


def test_notes_are_written_before_today_by_operators(seeded: Systems) -> None:
    usernames = {o.username for o in OPERATORS}
    for note in rows(seeded, Note):
        assert note.created_at < MIDNIGHT and note.author in usernames


def test_every_account_has_one_primary_contact(seeded: Systems) -> None:
    primaries = Counter(c.account_id for c in rows(seeded, Contact) if c.is_primary)
    assert all(primaries[a.id] == 1 for a in rows(seeded, Account))


def test_contacts_write_from_their_accounts_domain(seeded: Systems) -> None:
    names = {a.id: a.name for a in rows(seeded, Account)}
    odd = {
        c.id
        for c in rows(seeded, Contact)
        if not c.email.endswith("@" + email_domain(names[c.account_id]))
    }
    assert odd == {_quality.MALFORMED_EMAIL_CONTACT}


def test_operators_and_owners() -> None:
    assert [(o.username, o.role) for o in OPERATORS] == [
        ("alice", "agent"),
        ("bob", "agent"),
        ("carol", "senior_agent"),
        ("dave", "finance"),
        ("erin", "manager"),
        ("frank", "auditor"),
        ("grace", "admin"),
    ]
    assert set(ACCOUNT_OWNERS) == {"alice", "bob", "carol", "erin"}


def test_account_owners_are_account_managers(seeded: Systems) -> None:
    assert {a.owner for a in rows(seeded, Account)} <= set(ACCOUNT_OWNERS)


@pytest.mark.skipif(not PRICE_LIST.exists(), reason="no price list in the knowledge base")
def test_the_catalogue_is_the_2026_price_list(seeded: Systems) -> None:
    with PRICE_LIST.open(newline="") as f:
        listed = {
            r["sku"]: (r["name"], r["category"], int(Decimal(r["price_usd"]) * 100))
            for r in csv.DictReader(f)
        }
    products = {p.sku: (p.name, p.category, p.price_cents) for p in rows(seeded, Product)}

    assert products == listed
