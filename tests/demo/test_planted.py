"""The records the product's scenarios rely on, and the deliberate data-quality problems."""

from __future__ import annotations

import re
from datetime import timedelta

from connectors.crm.models import (
    OPEN_CASE_STATUSES,
    Account,
    AccountStatus,
    Case,
    CaseStatus,
    Contact,
    Note,
    Priority,
    Tier,
)
from connectors.demo import _planted as p
from connectors.demo import _quality as q
from connectors.erp.models import (
    Customer,
    Invoice,
    InvoiceStatus,
    OrderStatus,
    OutboxMessage,
    Payment,
    Refund,
    SalesOrder,
)
from connectors.erp.views import OutboxMessageView, RefundView
from connectors.system import System

from .conftest import MIDNIGHT, NOW, TODAY, get, rows

Systems = dict[str, System]


def test_blue_harbor_logistics(seeded: Systems) -> None:
    account = get(seeded, Account, p.BLUE_HARBOR)
    contact = get(seeded, Contact, p.BLUE_HARBOR_CONTACT)

    assert (account.name, account.tier, account.owner) == (
        "Blue Harbor Logistics",
        Tier.GOLD,
        "alice",
    )
    assert account.status == AccountStatus.ACTIVE
    assert contact.account_id == p.BLUE_HARBOR and contact.is_primary


def test_so_1042_was_delivered_recently_and_its_invoice_is_paid(seeded: Systems) -> None:
    order = get(seeded, SalesOrder, p.DAMAGED_ORDER)
    invoice = get(seeded, Invoice, p.DAMAGED_INVOICE)

    assert p.DAMAGED_ORDER == "SO-1042"
    assert order.account_id == p.BLUE_HARBOR and order.status == OrderStatus.DELIVERED
    assert order.delivered_at is not None and order.delivered_at.date() == TODAY - timedelta(days=6)
    assert NOW - order.delivered_at < timedelta(days=90)
    assert invoice.order_id == order.id and invoice.status == InvoiceStatus.PAID
    assert invoice.paid_cents == invoice.amount_cents and 30_000 <= invoice.amount_cents <= 90_000
    payments = [x for x in rows(seeded, Payment) if x.invoice_id == invoice.id]
    assert [x.id for x in payments] == [p.DAMAGED_PAYMENT]
    assert not [r for r in rows(seeded, Refund) if r.invoice_id == invoice.id]


def test_the_damaged_delivery_case_is_blue_harbors_only_open_case(seeded: Systems) -> None:
    case = get(seeded, Case, p.DAMAGED_CASE)
    blue_harbor_cases = [c for c in rows(seeded, Case) if c.account_id == p.BLUE_HARBOR]

    assert case.status == CaseStatus.OPEN and case.priority == Priority.HIGH
    assert case.subject == "Order SO-1042 arrived damaged" and case.order_id == p.DAMAGED_ORDER
    assert case.sla_due_at > MIDNIGHT
    assert [c.id for c in blue_harbor_cases if c.status in OPEN_CASE_STATUSES] == [case.id]
    assert not [n for n in rows(seeded, Note) if n.case_id == case.id]


def test_blue_harbor_orders_are_unambiguous(seeded: Systems) -> None:
    orders = [o for o in rows(seeded, SalesOrder) if o.account_id == p.BLUE_HARBOR]
    by_status = {s: sorted(o.id for o in orders if o.status == s) for s in OrderStatus}
    recent = [o.id for o in orders if o.ordered_at > MIDNIGHT - timedelta(days=100)]

    assert by_status[OrderStatus.PENDING] == [p.BLUE_HARBOR_PENDING_ORDER]
    assert by_status[OrderStatus.SHIPPED] == [p.BLUE_HARBOR_SHIPPED_ORDER]
    assert by_status[OrderStatus.CONFIRMED] == []
    assert sorted(recent) == sorted(
        [
            p.BLUE_HARBOR_OVERDUE_ORDER,
            p.DAMAGED_ORDER,
            p.BLUE_HARBOR_SHIPPED_ORDER,
            p.BLUE_HARBOR_PENDING_ORDER,
        ]
    )


def test_blue_harbor_has_one_invoice_35_days_overdue_and_no_reminder(seeded: Systems) -> None:
    invoices = [i for i in rows(seeded, Invoice) if i.account_id == p.BLUE_HARBOR]
    unpaid = {i.id: i for i in invoices if i.paid_cents < i.amount_cents}
    overdue = unpaid[p.BLUE_HARBOR_OVERDUE_INVOICE]

    assert sorted(unpaid) == sorted([p.BLUE_HARBOR_OVERDUE_INVOICE, p.BLUE_HARBOR_SHIPPED_INVOICE])
    assert overdue.order_id == p.BLUE_HARBOR_OVERDUE_ORDER and overdue.paid_cents == 0
    assert overdue.status == InvoiceStatus.OVERDUE and (TODAY - overdue.due_on).days == 35
    assert unpaid[p.BLUE_HARBOR_SHIPPED_INVOICE].status == InvoiceStatus.OPEN
    assert not [m for m in rows(seeded, OutboxMessage) if m.account_id == p.BLUE_HARBOR]


def test_platinum_account_has_a_large_paid_recent_invoice(seeded: Systems) -> None:
    account = get(seeded, Account, p.PLATINUM_ACCOUNT)
    order = get(seeded, SalesOrder, p.PLATINUM_ORDER)
    invoice = get(seeded, Invoice, p.PLATINUM_PAID_INVOICE)

    assert account.tier == Tier.PLATINUM
    assert order.delivered_at is not None and NOW - order.delivered_at < timedelta(days=30)
    assert invoice.order_id == order.id and invoice.status == InvoiceStatus.PAID
    assert invoice.paid_cents == invoice.amount_cents > 500_000


def test_credit_accounts(seeded: Systems) -> None:
    crane = get(seeded, Account, p.CREDIT_D_ACCOUNT)
    crane_customer = get(seeded, Customer, p.CREDIT_D_ACCOUNT)
    northfield = get(seeded, Customer, p.CREDIT_B_ACCOUNT)

    assert (crane.name, crane.credit_rating, crane_customer.credit_limit_cents) == (
        "Crane & Sons",
        "D",
        0,
    )
    assert (northfield.name, northfield.credit_limit_cents) == ("Northfield Packaging", 2_500_000)


def test_the_account_on_hold_and_its_collections_trail(seeded: Systems) -> None:
    account = get(seeded, Account, p.ON_HOLD_ACCOUNT)
    overdue = {
        i.id: (TODAY - i.due_on).days for i in rows(seeded, Invoice) if i.status == "overdue"
    }
    reminded = [
        m.invoice_id or "" for m in rows(seeded, OutboxMessage) if m.account_id == account.id
    ]
    case = get(seeded, Case, p.ON_HOLD_CASE)

    assert account.status == AccountStatus.ON_HOLD
    assert [overdue[i] for i in p.ON_HOLD_OVERDUE_INVOICES] == [95, 68]
    assert sorted(reminded) == sorted(p.ON_HOLD_OVERDUE_INVOICES)
    assert (case.status, case.escalation_level, case.owner) == (CaseStatus.ESCALATED, 2, "erin")
    assert (TODAY - get(seeded, Invoice, p.OVERDUE_12_DAYS_INVOICE).due_on).days == 12


def test_similar_names_exist_side_by_side(seeded: Systems) -> None:
    names = {a.id: a.name for a in rows(seeded, Account)}
    pairs = [(names[a], names[b]) for a, b in p.SIMILAR_NAMES]

    assert pairs == [
        ("Blue Harbor Logistics", "Blue Harbor Marine"),
        ("Acme Industrial", "Acme Industries"),
        ("Northwind Traders", "Northwind Trading Co."),
    ]
    assert sum("blue harbor" in n.lower() for n in names.values()) == 2


def test_prospect_and_churned_accounts(seeded: Systems) -> None:
    assert get(seeded, Account, p.PROSPECT_ACCOUNT).status == AccountStatus.PROSPECT
    assert get(seeded, Account, p.CHURNED_ACCOUNT).status == AccountStatus.CHURNED
    assert not [o for o in rows(seeded, SalesOrder) if o.account_id == p.PROSPECT_ACCOUNT]


def test_data_quality_problems(seeded: Systems) -> None:
    stale = get(seeded, Invoice, q.STALE_OPEN_INVOICE)
    odd = get(seeded, Account, p.ODD_NAME_ACCOUNT)
    odd_customer = get(seeded, Customer, p.ODD_NAME_ACCOUNT)
    first, second = (get(seeded, Contact, c) for c in q.DUPLICATE_CONTACTS)

    assert stale.status == InvoiceStatus.OPEN and stale.paid_cents == 0 and stale.due_on < TODAY
    assert get(seeded, Contact, q.NO_PHONE_CONTACT).phone == ""
    assert "@" not in get(seeded, Contact, q.MALFORMED_EMAIL_CONTACT).email
    assert (first.account_id, first.name, first.email) == (
        second.account_id,
        second.name,
        second.email,
    )
    assert first.phone != second.phone
    assert odd.name != odd.name.strip() and odd.name.strip() != odd.name.strip().title()
    assert odd_customer.name == "Pinecrest Janitorial Supply"


def test_no_other_contact_lacks_a_phone_or_a_valid_email(seeded: Systems) -> None:
    valid = re.compile(r"^[a-z]+\.[a-z]+@[a-z0-9]+\.com$")
    for c in rows(seeded, Contact):
        if c.id not in (q.NO_PHONE_CONTACT, q.MALFORMED_EMAIL_CONTACT):
            assert c.phone and valid.match(c.email), c.id


def test_a_refund_on_so_1042_is_within_the_window(fresh: Systems) -> None:
    refund = fresh["erp"].execute(
        "create_refund",
        {"invoice_id": p.DAMAGED_INVOICE, "amount": "120.00", "reason": "one carton crushed"},
        idempotency_key="refund-1",
    )
    assert isinstance(refund, RefundView) and refund.invoice_id == p.DAMAGED_INVOICE


def test_blue_harbors_pending_order_can_be_cancelled(fresh: Systems) -> None:
    fresh["erp"].execute(
        "cancel_order",
        {"order_id": p.BLUE_HARBOR_PENDING_ORDER, "reason": "customer changed plans"},
        idempotency_key="cancel-1",
    )
    assert get(fresh, SalesOrder, p.BLUE_HARBOR_PENDING_ORDER).status == OrderStatus.CANCELLED


def test_a_reminder_can_go_out_for_blue_harbors_overdue_invoice(fresh: Systems) -> None:
    message = fresh["erp"].execute(
        "send_payment_reminder",
        {"invoice_id": p.BLUE_HARBOR_OVERDUE_INVOICE, "tone": "firm"},
        idempotency_key="remind-1",
    )
    assert isinstance(message, OutboxMessageView) and "35 days" in message.subject
