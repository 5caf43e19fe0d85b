"""Support cases with their SLA deadlines, and the notes on cases and accounts."""

from __future__ import annotations

from datetime import datetime, timedelta
from random import Random

from connectors.crm.models import Account, AccountStatus, Case, CaseStatus, Priority
from connectors.crm.sla import SLA_HOURS, sla_due_at
from connectors.demo._dataset import Dataset, IdSequence, quota
from connectors.demo._orders import TIER_WEIGHT
from connectors.demo._planted import QUIET_ACCOUNTS
from connectors.demo.company import (
    CASE_HANDLERS,
    CATALOGUE,
    ESCALATION_HANDLERS,
)
from connectors.erp.models import SalesOrder

CASE_TOTAL = 64
GENERATED_CASE_STATUSES = {
    CaseStatus.NEW: 6,
    CaseStatus.OPEN: 10,
    CaseStatus.PENDING: 7,
    CaseStatus.ESCALATED: 5,
    CaseStatus.RESOLVED: 12,
}
"""How many generated cases have each status; the rest are closed."""
PRIORITY_WEIGHTS = {Priority.LOW: 2, Priority.NORMAL: 5, Priority.HIGH: 2, Priority.URGENT: 1}
FINISHED_DAYS_AGO = {CaseStatus.RESOLVED: (3, 60), CaseStatus.CLOSED: (15, 300)}
"""When finished cases were opened."""
SLA_USED = {
    CaseStatus.NEW: (0.05, 0.5),
    CaseStatus.OPEN: (0.1, 1.2),
    CaseStatus.PENDING: (0.1, 1.2),
    CaseStatus.ESCALATED: (0.4, 1.6),
}
"""How much of its SLA an unfinished case has used by midnight: a few are past due, escalated
ones more often."""
ORDER_SUBJECTS = (
    ("Late delivery of order {order}", "The customer expected order {order} two days ago."),
    ("Missing items in order {order}", "Order {order} arrived one carton short."),
    ("Wrong item shipped in order {order}", "A line of order {order} came in the wrong size."),
    ("Return request for order {order}", "The customer wants to return part of order {order}."),
)
OTHER_SUBJECTS = (
    ("Credit limit increase request", "The customer asks for a higher credit limit."),
    ("Availability of {product}", "The customer needs a larger quantity than usual."),
    ("Bulk pricing for {product}", "The customer asks for volume pricing."),
    ("Update billing contact", "Invoices should go to a new accounts payable contact."),
    ("Copy of the 2026 price list", "The customer asks for the current price list."),
)
CASE_NOTES = {
    CaseStatus.OPEN: "Called the customer; checking with the warehouse.",
    CaseStatus.PENDING: "Waiting for the customer to confirm the quantities.",
    CaseStatus.ESCALATED: "Escalated: the customer is unhappy with the response time.",
    CaseStatus.RESOLVED: "Resolved: explained the situation and agreed the next steps.",
    CaseStatus.CLOSED: "Closed: the customer confirmed the issue is solved.",
}
ACCOUNT_NOTES = (
    "Quarterly review: the customer plans to buy more {category} supplies next quarter.",
    "The customer asked to receive invoices by email only.",
    "New receiving hours: weekdays 7 am to 3 pm.",
    "The customer is comparing our {category} prices with a competitor's.",
    "Framework contract renewed for another year.",
)


def add_cases(data: Dataset, rng: Random) -> None:
    """Cases up to ``CASE_TOTAL``: every status and priority, SLA due times by tier."""
    ids = IdSequence("CS", 1001, [case.id for case in data.cases])
    count = CASE_TOTAL - len(data.cases)
    statuses = quota(rng, count, GENERATED_CASE_STATUSES, CaseStatus.CLOSED)
    priorities = list(Priority) + rng.choices(
        list(PRIORITY_WEIGHTS), list(PRIORITY_WEIGHTS.values()), k=count - len(Priority)
    )
    rng.shuffle(priorities)
    shipped: dict[str, list[SalesOrder]] = {}
    for order in data.orders:
        if order.shipped_at is not None:
            shipped.setdefault(order.account_id, []).append(order)
    accounts = [a for a in data.accounts if a.id not in QUIET_ACCOUNTS]
    current = [a for a in accounts if a.status in (AccountStatus.ACTIVE, AccountStatus.ON_HOLD)]
    for status, priority in zip(statuses, priorities, strict=True):
        pool = accounts if status in FINISHED_DAYS_AGO else current
        account = rng.choices(pool, weights=[TIER_WEIGHT[a.tier] for a in pool])[0]
        case = _case(data, rng, ids.next(), account, status, priority)
        _describe(rng, case, shipped.get(account.id, []))
        data.cases.append(case)
        _add_case_notes(data, rng, case)


def _opened(
    data: Dataset, rng: Random, account: Account, status: CaseStatus, priority: Priority
) -> datetime:
    if status in FINISHED_DAYS_AGO:
        return data.clock.office_time(rng, rng.randint(*FINISHED_DAYS_AGO[status]))
    hours = SLA_HOURS[account.tier][priority] * rng.uniform(*SLA_USED[status])
    return data.clock.midnight - timedelta(hours=round(hours, 1) + 1)


def _case(
    data: Dataset,
    rng: Random,
    case_id: str,
    account: Account,
    status: CaseStatus,
    priority: Priority,
) -> Case:
    created = _opened(data, rng, account, status, priority)
    level = rng.randint(1, 2) if status is CaseStatus.ESCALATED else 0
    if level:
        owner = ESCALATION_HANDLERS[level - 1]
    elif account.owner in CASE_HANDLERS:
        owner = account.owner
    else:
        owner = rng.choice(CASE_HANDLERS)
    closed = None
    if status is CaseStatus.CLOSED:
        closed = created + timedelta(days=rng.randint(1, 10), hours=rng.randint(0, 6))
    return Case(
        id=case_id,
        account_id=account.id,
        subject="",
        status=status,
        priority=priority,
        owner=owner,
        escalation_level=level,
        created_at=created,
        sla_due_at=sla_due_at(account.tier, priority, created),
        closed_at=closed,
        order_id=None,
    )


def _describe(rng: Random, case: Case, shipped: list[SalesOrder]) -> None:
    """A subject about one of the orders shipped before the case, or a general one."""
    orders = [o for o in shipped if o.shipped_at and o.shipped_at < case.created_at]
    if orders and rng.random() < 0.6:
        order = rng.choice(orders)
        subject, description = rng.choice(ORDER_SUBJECTS)
        case.order_id = order.id
    else:
        subject, description = rng.choice(OTHER_SUBJECTS)
    product = rng.choice(CATALOGUE).name
    case.subject = subject.format(order=case.order_id, product=product)
    case.description = description.format(order=case.order_id)


def _add_case_notes(data: Dataset, rng: Random, case: Case) -> None:
    """One or two notes by the case owner, written before today (and before closing)."""
    if case.status is CaseStatus.NEW:
        return
    cutoff = case.closed_at or data.clock.midnight
    moment = case.created_at
    for _ in range(rng.randint(1, 2)):
        moment += timedelta(hours=rng.randint(1, 8), minutes=rng.randint(0, 59))
        if moment >= cutoff:
            return
        data.add_note(case.account_id, case.owner, CASE_NOTES[case.status], moment, case.id)


def add_account_notes(data: Dataset, rng: Random) -> None:
    """A note on about a third of the accounts, by the account owner."""
    for account in data.accounts:
        if account.id in QUIET_ACCOUNTS or rng.random() >= 0.35:
            continue
        age = data.clock.days_ago(account.created_at)
        body = rng.choice(ACCOUNT_NOTES).format(category=rng.choice(CATALOGUE).category)
        when = data.clock.office_time(rng, rng.randint(1, min(400, age - 1)))
        data.add_note(account.id, account.owner, body, when, None)
