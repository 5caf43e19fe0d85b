"""Records the product's scenarios rely on: fixed ids, fixed names, dates relative to ``today``.

The generator fills everything else around them and never reuses their ids. Tests and
scenarios refer to these constants rather than to literal ids.

Blue Harbor Logistics (``BLUE_HARBOR``, gold, owner alice, rating A, net 30; primary contact
``BLUE_HARBOR_CONTACT``):

- ``DAMAGED_ORDER`` SO-1042: delivered 6 days before ``today`` (inside the 90-day refund
  window); its invoice ``DAMAGED_INVOICE`` ($512.50) is fully paid by ``DAMAGED_PAYMENT``.
- ``DAMAGED_CASE`` CS-1007: open, high priority (as the damaged-delivery procedure asks),
  "Order SO-1042 arrived damaged", opened yesterday at 16:50 UTC so due today at 16:50; it has
  no note yet (a damaged-goods refund needs one first).
- ``BLUE_HARBOR_PENDING_ORDER``: pending since yesterday, so it can be cancelled or re-addressed.
- ``BLUE_HARBOR_SHIPPED_ORDER``: shipped 2 days ago, its invoice open and not yet due.
- ``BLUE_HARBOR_OVERDUE_INVOICE``: unpaid, due 35 days before ``today``; no reminder sent yet.
- Its only other orders were delivered and paid 120+ days ago, and it has no other case, so
  "Blue Harbor's order" or "their open case" is never ambiguous.

Kestrel Health Systems (``PLATINUM_ACCOUNT``, platinum, owner carol, net 45): order
``PLATINUM_ORDER`` delivered 14 days ago, invoice ``PLATINUM_PAID_INVOICE`` ($6,192.00) fully
paid (refund approvals: finance four-eyes up to $5,000, a manager above). Quiet too.

Others: ``CREDIT_D_ACCOUNT`` Crane & Sons (rating D, limit $0, prepayment only);
``CREDIT_B_ACCOUNT`` Northfield Packaging (ACC-1017, rating B, $25,000: the credit-limit
procedure's worked example); ``ON_HOLD_ACCOUNT`` Tidewater Freight, on hold with invoices 95 and
68 days overdue, a firm reminder for each 20 days ago, a collections case escalated to a manager
(``ON_HOLD_CASE``) and a note on the hold, otherwise quiet; ``OVERDUE_12_DAYS_INVOICE`` at
Northwind Traders.
Similar names: ``SIMILAR_NAMES``. A prospect (``PROSPECT_ACCOUNT``), a churned account
(``CHURNED_ACCOUNT``).
"""

from __future__ import annotations

from typing import NamedTuple

from connectors.crm.models import AccountStatus, Case, CaseStatus, Contact, Priority, Tier
from connectors.crm.sla import sla_due_at
from connectors.demo._dataset import Dataset
from connectors.erp.models import OrderStatus
from connectors.erp.send_payment_reminder import Tone

BLUE_HARBOR = "ACC-1004"
BLUE_HARBOR_CONTACT = "CON-1010"
DAMAGED_ORDER = "SO-1042"
DAMAGED_INVOICE = "INV-2038"
DAMAGED_PAYMENT = "PAY-3031"
DAMAGED_CASE = "CS-1007"
BLUE_HARBOR_PENDING_ORDER = "SO-1090"
BLUE_HARBOR_SHIPPED_ORDER = "SO-1063"
BLUE_HARBOR_SHIPPED_INVOICE = "INV-2055"
BLUE_HARBOR_OVERDUE_ORDER = "SO-1018"
BLUE_HARBOR_OVERDUE_INVOICE = "INV-2016"
BLUE_HARBOR_OVERDUE_DAYS = 35

PLATINUM_ACCOUNT = "ACC-1009"
PLATINUM_ORDER = "SO-1150"
PLATINUM_PAID_INVOICE = "INV-2131"
PLATINUM_PAYMENT = "PAY-3117"

CREDIT_D_ACCOUNT = "ACC-1031"
CREDIT_B_ACCOUNT = "ACC-1017"
ON_HOLD_ACCOUNT = "ACC-1027"
ON_HOLD_OVERDUE_INVOICES = ("INV-2067", "INV-2094")
"""95 and 68 days overdue."""
ON_HOLD_CASE = "CS-1019"
OVERDUE_12_DAYS_INVOICE = "INV-2108"
PROSPECT_ACCOUNT = "ACC-1058"
CHURNED_ACCOUNT = "ACC-1044"

BLUE_HARBOR_MARINE = "ACC-1023"
ACME_INDUSTRIAL = "ACC-1011"
ACME_INDUSTRIES = "ACC-1038"
NORTHWIND_TRADERS = "ACC-1015"
NORTHWIND_TRADING = "ACC-1052"
ODD_NAME_ACCOUNT = "ACC-1047"
"""Pinecrest Janitorial Supply, entered in the CRM with odd casing and trailing spaces."""
SIMILAR_NAMES: tuple[tuple[str, str], ...] = (
    (BLUE_HARBOR, BLUE_HARBOR_MARINE),
    (ACME_INDUSTRIAL, ACME_INDUSTRIES),
    (NORTHWIND_TRADERS, NORTHWIND_TRADING),
)

QUIET_ACCOUNTS = frozenset({BLUE_HARBOR, PLATINUM_ACCOUNT, ON_HOLD_ACCOUNT})
"""Accounts the generator gives only old, settled orders (no cases, refunds or reminders), so
their planted records stand alone."""


class AccountSpec(NamedTuple):
    id: str
    name: str
    tier: Tier
    industry: str
    region: str
    status: AccountStatus
    rating: str
    owner: str
    address: str | None = None


_A, _P, _H, _C = (
    AccountStatus.ACTIVE,
    AccountStatus.PROSPECT,
    AccountStatus.ON_HOLD,
    AccountStatus.CHURNED,
)
NAMED_ACCOUNTS: tuple[AccountSpec, ...] = (
    AccountSpec(BLUE_HARBOR, "Blue Harbor Logistics", Tier.GOLD, "Logistics", "West", _A, "A",
                "alice", "Pier 4, 2150 Harbor Blvd, Long Beach, CA 90802"),
    AccountSpec(BLUE_HARBOR_MARINE, "Blue Harbor Marine", Tier.SILVER, "Marine Services", "West",
                _A, "B", "bob"),
    AccountSpec(ACME_INDUSTRIAL, "Acme Industrial", Tier.SILVER, "Manufacturing", "Central", _A,
                "B", "bob"),
    AccountSpec(ACME_INDUSTRIES, "Acme Industries", Tier.GOLD, "Manufacturing", "South", _A, "A",
                "carol"),
    AccountSpec(NORTHWIND_TRADERS, "Northwind Traders", Tier.BRONZE, "Retail", "North", _A, "C",
                "erin"),
    AccountSpec(NORTHWIND_TRADING, "Northwind Trading Co.", Tier.SILVER, "Retail", "East", _A,
                "B", "alice"),
    AccountSpec(PLATINUM_ACCOUNT, "Kestrel Health Systems", Tier.PLATINUM, "Healthcare",
                "Central", _A, "A", "carol", "4400 Kestrel Way, Columbus, OH 43215"),
    AccountSpec(CREDIT_D_ACCOUNT, "Crane & Sons", Tier.BRONZE, "Construction", "East", _A, "D",
                "bob"),
    AccountSpec(CREDIT_B_ACCOUNT, "Northfield Packaging", Tier.SILVER, "Manufacturing", "North",
                _A, "B", "erin"),
    AccountSpec(ON_HOLD_ACCOUNT, "Tidewater Freight", Tier.SILVER, "Logistics", "South", _H, "C",
                "erin"),
    AccountSpec(ODD_NAME_ACCOUNT, "pinecrest Janitorial SUPPLY  ", Tier.BRONZE,
                "Facilities Management", "Central", _A, "B", "alice"),
    AccountSpec(PROSPECT_ACCOUNT, "Redwood Office Interiors", Tier.BRONZE, "Retail", "West", _P,
                "C", "bob"),
    AccountSpec(CHURNED_ACCOUNT, "Gulf Coast Fabrication", Tier.SILVER, "Manufacturing", "South",
                _C, "B", "carol"),
)  # fmt: skip


def plant_contacts(data: Dataset) -> None:
    data.contacts.append(
        Contact(
            id=BLUE_HARBOR_CONTACT,
            account_id=BLUE_HARBOR,
            name="Maya Fischer",
            title="Purchasing Manager",
            email="maya.fischer@blueharborlogistics.com",
            phone="+1-310-555-0142",
            is_primary=True,
        )
    )


def plant_orders(data: Dataset) -> None:
    c = data.clock
    o = data.add_order(BLUE_HARBOR_OVERDUE_ORDER, BLUE_HARBOR, OrderStatus.DELIVERED,
                       [("SKU-WH-002", 3), ("SKU-WH-006", 10)], c.at(70, 9, 12),
                       shipped_at=c.at(65, 14, 30), delivered_at=c.at(62, 11, 5))  # fmt: skip
    data.add_invoice(BLUE_HARBOR_OVERDUE_INVOICE, o, c.day(BLUE_HARBOR_OVERDUE_DAYS + 30))

    o = data.add_order(DAMAGED_ORDER, BLUE_HARBOR, OrderStatus.DELIVERED,
                       [("SKU-PK-004", 8), ("SKU-PK-001", 6)], c.at(12, 10, 40),
                       shipped_at=c.at(9, 15, 20), delivered_at=c.at(6, 13, 45))  # fmt: skip
    invoice = data.add_invoice(DAMAGED_INVOICE, o, c.day(9))
    data.add_payment(DAMAGED_PAYMENT, invoice, invoice.amount_cents, "card", c.at(3, 11, 2))

    o = data.add_order(BLUE_HARBOR_SHIPPED_ORDER, BLUE_HARBOR, OrderStatus.SHIPPED,
                       [("SKU-JN-001", 10), ("SKU-JN-003", 8)], c.at(5, 8, 55),
                       shipped_at=c.at(2, 16, 10))  # fmt: skip
    data.add_invoice(BLUE_HARBOR_SHIPPED_INVOICE, o, c.day(2))
    data.add_order(BLUE_HARBOR_PENDING_ORDER, BLUE_HARBOR, OrderStatus.PENDING,
                   [("SKU-SF-001", 2), ("SKU-SF-003", 3)], c.at(1, 15, 35))  # fmt: skip

    o = data.add_order(PLATINUM_ORDER, PLATINUM_ACCOUNT, OrderStatus.DELIVERED,
                       [("SKU-WH-001", 8), ("SKU-WH-002", 10), ("SKU-WH-003", 6)],
                       c.at(20, 9, 30), shipped_at=c.at(16, 12, 0),
                       delivered_at=c.at(14, 10, 20))  # fmt: skip
    invoice = data.add_invoice(PLATINUM_PAID_INVOICE, o, c.day(16))
    data.add_payment(PLATINUM_PAYMENT, invoice, invoice.amount_cents, "wire", c.at(5, 9, 0))

    hold_orders = (("SO-1076", 95, [("SKU-PK-002", 20), ("SKU-PK-005", 6)]),
                   ("SO-1104", 68, [("SKU-JN-004", 12), ("SKU-JN-001", 10)]))  # fmt: skip
    for (order_id, overdue, items), invoice_id in zip(
        hold_orders, ON_HOLD_OVERDUE_INVOICES, strict=True
    ):
        shipped = overdue + 30
        o = data.add_order(order_id, ON_HOLD_ACCOUNT, OrderStatus.DELIVERED, items,
                           c.at(shipped + 2, 10, 0), shipped_at=c.at(shipped, 13, 0),
                           delivered_at=c.at(shipped - 3, 9, 40))  # fmt: skip
        invoice = data.add_invoice(invoice_id, o, c.day(shipped))
        data.add_reminder(invoice, c.at(20, 8, 0), Tone.FIRM)

    o = data.add_order("SO-1121", NORTHWIND_TRADERS, OrderStatus.DELIVERED,
                       [("SKU-OF-001", 6), ("SKU-OF-002", 4)], c.at(45, 11, 0),
                       shipped_at=c.at(42, 14, 0), delivered_at=c.at(40, 10, 30))  # fmt: skip
    data.add_invoice(OVERDUE_12_DAYS_INVOICE, o, c.day(42))


def plant_cases(data: Dataset) -> None:
    c = data.clock
    opened = c.at(1, 16, 50)
    data.cases.append(
        Case(
            id=DAMAGED_CASE,
            account_id=BLUE_HARBOR,
            subject=f"Order {DAMAGED_ORDER} arrived damaged",
            description=(
                f"The customer's purchasing manager reports that several cartons in order "
                f"{DAMAGED_ORDER} were crushed on arrival and the stretch film is torn. "
                "Photos to follow."
            ),
            status=CaseStatus.OPEN,
            priority=Priority.HIGH,
            owner="alice",
            created_at=opened,
            sla_due_at=sla_due_at(Tier.GOLD, Priority.HIGH, opened),
            order_id=DAMAGED_ORDER,
        )
    )
    data.add_note(BLUE_HARBOR, "alice", "Deliveries go to the harbour-side dock; the receiving "
                  "desk closes at 3 pm.", c.at(200, 10, 0), None)  # fmt: skip

    held = c.at(35, 9, 0)  # the day the older invoice reached 60 days overdue
    first, second = ON_HOLD_OVERDUE_INVOICES
    data.cases.append(
        Case(
            id=ON_HOLD_CASE,
            account_id=ON_HOLD_ACCOUNT,
            subject=f"Collections: {first} and {second} overdue",
            description=f"{first} reached 60 days overdue; {second} is unpaid as well.",
            status=CaseStatus.ESCALATED,
            priority=Priority.HIGH,
            owner="erin",
            escalation_level=2,
            created_at=held,
            sla_due_at=sla_due_at(Tier.SILVER, Priority.HIGH, held),
            order_id=None,
        )
    )
    data.add_note(ON_HOLD_ACCOUNT, "erin", f"Account put on hold on {held:%Y-%m-%d}: {first} is "
                  f"60 days overdue, {second} unpaid too.", held, None)  # fmt: skip
    data.add_note(ON_HOLD_ACCOUNT, "erin", "Escalated to manager (level 2): 60 days overdue, "
                  "handed to the collections team.", held, ON_HOLD_CASE)  # fmt: skip
