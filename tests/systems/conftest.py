"""The stub CRM and ERP on real SQLite in a temp dir, with a small hand-made dataset and a clock
the test controls. "Now" is 2026-03-15 12:00 UTC; times are aware UTC, as connectors/_time.py
hands them out."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest
from sqlmodel import SQLModel

from aios.db import make_engine
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
from connectors.systems import build_system

NOW = datetime(2026, 3, 15, 12, 0, tzinfo=UTC)
TODAY = NOW.date()
HOUR, DAY = timedelta(hours=1), timedelta(days=1)


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, delta: timedelta) -> None:
        self.now += delta


@pytest.fixture
def now() -> datetime:
    return NOW


@pytest.fixture
def clock() -> Clock:
    return Clock(NOW)


def _system(name: str, tmp_path: Path, clock: Clock, batches: list[list[SQLModel]]) -> System:
    system = build_system(name, make_engine(f"sqlite:///{tmp_path}/{name}.db"), clock=clock)
    with system.session() as session:
        for rows in batches:  # parents before children: foreign keys are enforced
            session.add_all(rows)
            session.flush()
        session.commit()
    return system


@pytest.fixture
def crm(tmp_path: Path, clock: Clock) -> Iterator[System]:
    system = _system("crm", tmp_path, clock, _crm_rows())
    yield system
    system.engine.dispose()


@pytest.fixture
def erp(tmp_path: Path, clock: Clock) -> Iterator[System]:
    system = _system("erp", tmp_path, clock, _erp_rows())
    yield system
    system.engine.dispose()


# --- CRM ---------------------------------------------------------------------------------------


def _account(id: str, name: str, tier: Tier, status: AccountStatus, owner: str) -> Account:
    return Account(
        id=id,
        name=name,
        tier=tier,
        industry="Food",
        region="EMEA",
        status=status,
        credit_rating="B",
        owner=owner,
        created_at=NOW - 400 * DAY,
    )


def _contact(id: str, account_id: str, name: str, email: str, primary: bool = False) -> Contact:
    return Contact(
        id=id,
        account_id=account_id,
        name=name,
        title="Buyer",
        email=email,
        phone="+1 555 0100",
        is_primary=primary,
    )


def _case(
    id: str, account_id: str, status: CaseStatus, priority: Priority, owner: str, due_in: timedelta
) -> Case:
    closed = status == CaseStatus.CLOSED
    return Case(
        id=id,
        account_id=account_id,
        subject=f"Subject of {id}",
        description=f"About {id}",
        status=status,
        priority=priority,
        owner=owner,
        escalation_level=1 if status == CaseStatus.ESCALATED else 0,
        created_at=NOW - 3 * DAY,
        sla_due_at=NOW + due_in,
        closed_at=NOW - DAY if closed else None,
    )


def _note(account_id: str, body: str, ago: timedelta, case_id: str | None = None) -> Note:
    return Note(
        account_id=account_id, case_id=case_id, author="maria", body=body, created_at=NOW - ago
    )


def _crm_rows() -> list[list[SQLModel]]:
    S, P = CaseStatus, Priority
    return [
        [
            _account("ACC-1001", "Harbor Foods", Tier.PLATINUM, AccountStatus.ACTIVE, "maria"),
            _account("ACC-1002", "Northfield Packaging", Tier.GOLD, AccountStatus.ACTIVE, "li"),
            _account("ACC-1003", "Westgate Logistics", Tier.SILVER, AccountStatus.ON_HOLD, "li"),
            _account("ACC-1004", "Crane & Sons", Tier.GOLD, AccountStatus.CHURNED, "li"),
            _account("ACC-1005", "Brookside Bakery", Tier.BRONZE, AccountStatus.PROSPECT, "li"),
        ],
        [
            _contact("CON-1001", "ACC-1001", "Ben Okafor", "ben@harborfoods.example"),
            _contact("CON-1002", "ACC-1001", "Zoe Park", "zoe@harborfoods.example", primary=True),
            _contact("CON-1003", "ACC-1002", "Chris Ng", "chris@northfield.example"),
            _case("CS-1001", "ACC-1001", S.OPEN, P.HIGH, "maria", -2 * HOUR),  # breached
            _case("CS-1002", "ACC-1001", S.ESCALATED, P.URGENT, "maria", 3 * HOUR),
            _case("CS-1003", "ACC-1001", S.CLOSED, P.NORMAL, "maria", -5 * DAY),
            _case("CS-1004", "ACC-1002", S.PENDING, P.LOW, "li", -DAY),  # breached
            _case("CS-1005", "ACC-1002", S.RESOLVED, P.NORMAL, "li", -4 * DAY),
            _case("CS-1009", "ACC-1003", S.NEW, P.NORMAL, "li", 2 * DAY),
        ],
        [
            *[_note("ACC-1001", f"Call {n}", (10 - n) * DAY) for n in range(1, 8)],
            _note("ACC-1001", "Customer called", 2 * DAY, case_id="CS-1001"),
            _note("ACC-1001", "Sent replacement", 12 * HOUR, case_id="CS-1001"),
        ],
    ]


# --- ERP ---------------------------------------------------------------------------------------


def _order(
    id: str,
    account_id: str,
    status: OrderStatus,
    ordered: date,
    total: int,
    shipped: date | None = None,
    delivered: date | None = None,
) -> SalesOrder:
    def at(day: date | None) -> datetime | None:
        return datetime.combine(day, time(9, tzinfo=UTC)) if day else None

    return SalesOrder(
        id=id,
        account_id=account_id,
        status=status,
        ordered_at=at(ordered),
        shipped_at=at(shipped),
        delivered_at=at(delivered),
        cancelled_at=at(ordered + DAY) if status == OrderStatus.CANCELLED else None,
        total_cents=total,
        shipping_address="1 Dock Street, Leith EH6 6AA, UK",
    )


def _invoice(
    id: str,
    account_id: str,
    order_id: str | None,
    status: InvoiceStatus,
    amount: int,
    paid: int,
    due: date,
) -> Invoice:
    return Invoice(
        id=id,
        account_id=account_id,
        order_id=order_id,
        status=status,
        amount_cents=amount,
        paid_cents=paid,
        issued_on=due - 30 * DAY,
        due_on=due,
    )


def _customer(account_id: str, name: str, limit: int, email: str) -> Customer:
    return Customer(
        account_id=account_id,
        name=name,
        credit_limit_cents=limit,
        billing_address="1 Dock Street, Leith EH6 6AA, UK",
        billing_email=email,
    )


def _payment(id: str, invoice_id: str, amount: int, received_at: datetime) -> Payment:
    return Payment(
        id=id,
        invoice_id=invoice_id,
        account_id="ACC-1001",
        amount_cents=amount,
        method="wire",
        received_at=received_at,
    )


def _reminder(account_id: str, invoice_id: str, ago: timedelta) -> OutboxMessage:
    return OutboxMessage(
        account_id=account_id,
        invoice_id=invoice_id,
        to="ap@example.com",
        subject=f"Reminder {invoice_id}",
        body="...",
        created_at=NOW - ago,
    )


def _erp_rows() -> list[list[SQLModel]]:
    O, I = OrderStatus, InvoiceStatus  # noqa: E741
    d = date
    products = [
        ("P-100", "Pallet wrap", "Packaging", 1999, 50, True),
        ("P-200", "Corrugated box", "Packaging", 250, 0, True),
        ("P-300", "Label printer", "Equipment", 45000, 5, False),
        ("P-400", "Box cutter", "Equipment", 1200, 12, True),
    ]
    return [
        [
            _customer("ACC-1001", "Harbor Foods", 10_000_000, "ap@harborfoods.example"),
            _customer("ACC-1002", "Northfield Packaging", 2_500_000, "finance@northfield.example"),
            *[
                Product(sku=sku, name=name, category=cat, price_cents=price, stock=n, active=on)
                for sku, name, cat, price, n, on in products
            ],
        ],
        [
            _order(
                "SO-1001",
                "ACC-1001",
                O.DELIVERED,
                d(2026, 1, 2),
                300_000,
                d(2026, 1, 5),
                d(2026, 1, 10),
            ),
            _order(
                "SO-1002",
                "ACC-1001",
                O.DELIVERED,
                d(2025, 11, 10),
                80_000,
                d(2025, 11, 12),
                d(2025, 11, 20),
            ),
            _order("SO-1003", "ACC-1001", O.PENDING, d(2026, 3, 14), 50_000),
            _order("SO-1004", "ACC-1001", O.CONFIRMED, d(2026, 3, 10), 120_000),
            _order("SO-1005", "ACC-1001", O.SHIPPED, d(2026, 3, 1), 250_000, d(2026, 3, 3)),
            _order("SO-1006", "ACC-1002", O.CANCELLED, d(2026, 2, 1), 10_000),
            _order("SO-1007", "ACC-1002", O.PENDING, d(2026, 3, 12), 70_000),
        ],
        [
            OrderLine(order_id="SO-1001", sku="P-100", quantity=100, unit_price_cents=1999),
            OrderLine(order_id="SO-1001", sku="P-400", quantity=83, unit_price_cents=1205),
            OrderLine(order_id="SO-1004", sku="P-200", quantity=480, unit_price_cents=250),
            # INV-2001 is past due but still marked open: the ERP's known data-quality issue.
            _invoice("INV-2001", "ACC-1001", "SO-1001", I.OPEN, 300_000, 200_000, d(2026, 2, 9)),
            _invoice("INV-2002", "ACC-1001", "SO-1002", I.PAID, 80_000, 80_000, d(2025, 12, 20)),
            _invoice("INV-2003", "ACC-1001", None, I.OVERDUE, 50_000, 0, d(2026, 3, 1)),
            _invoice("INV-2004", "ACC-1001", None, I.OPEN, 40_000, 0, d(2026, 4, 14)),
            _invoice("INV-2005", "ACC-1001", "SO-1005", I.OPEN, 250_000, 0, d(2026, 3, 31)),
            _invoice("INV-2006", "ACC-1001", None, I.VOID, 90_000, 0, d(2026, 1, 1)),
            _invoice("INV-2008", "ACC-1002", "SO-1007", I.OVERDUE, 70_000, 0, d(2026, 2, 15)),
        ],
        [
            _payment("PAY-3001", "INV-2001", 200_000, datetime(2026, 2, 1, 10, tzinfo=UTC)),
            _payment("PAY-3002", "INV-2002", 80_000, datetime(2025, 12, 1, 10, tzinfo=UTC)),
            Refund(
                id="CN-4001",
                invoice_id="INV-2001",
                order_id="SO-1001",
                account_id="ACC-1001",
                amount_cents=30_000,
                reason="Damaged pallet",
                created_at=datetime(2026, 2, 3, tzinfo=UTC),
            ),
            _reminder("ACC-1001", "INV-2003", 5 * DAY),
            _reminder("ACC-1002", "INV-2008", 20 * DAY),
        ],
    ]
