"""The product catalogue in stock, and the generated sales orders with their lines."""

from __future__ import annotations

from random import Random

from connectors.crm.models import Account, AccountStatus, Tier
from connectors.demo._dataset import Dataset, IdSequence, quota
from connectors.demo._planted import QUIET_ACCOUNTS
from connectors.demo.company import CATALOGUE
from connectors.erp.models import OrderStatus, Product

ORDER_TOTAL = 330
GENERATED_ORDER_STATUSES = {
    OrderStatus.PENDING: 14,
    OrderStatus.CONFIRMED: 16,
    OrderStatus.SHIPPED: 16,
    OrderStatus.CANCELLED: 20,
}
"""How many generated orders have each status; the rest are delivered."""
TIER_WEIGHT = {Tier.PLATINUM: 5, Tier.GOLD: 3, Tier.SILVER: 2, Tier.BRONZE: 1}
"""Bigger customers order more often..."""
TIER_QUANTITY = {Tier.PLATINUM: 3, Tier.GOLD: 2, Tier.SILVER: 1, Tier.BRONZE: 1}
"""...and in larger quantities."""
_HISTORY = (OrderStatus.DELIVERED, OrderStatus.CANCELLED)
_SHIPPED = (OrderStatus.SHIPPED, OrderStatus.DELIVERED)
_RECENT = {
    OrderStatus.PENDING: (1, 3),
    OrderStatus.CONFIRMED: (1, 6),
    OrderStatus.SHIPPED: (3, 10),
}
"""Days ago an order in a not-yet-finished status was placed."""


def add_products(data: Dataset, rng: Random) -> None:
    data.products += [
        Product(
            sku=item.sku,
            name=item.name,
            category=item.category,
            price_cents=item.price_cents,
            stock=rng.randint(20, 600),
        )
        for item in CATALOGUE
    ]


def add_orders(data: Dataset, rng: Random) -> None:
    """Orders up to ``ORDER_TOTAL``, numbered around the planted ones.

    Prospects never order; churned and quiet accounts only have old, finished orders; pending
    orders may belong to accounts on hold, confirmed and shipped ones only to active accounts.
    """
    ids = IdSequence("SO", 1001, [order.id for order in data.orders])
    count = ORDER_TOTAL - len(data.orders)
    buyers = [a for a in data.accounts if a.status is not AccountStatus.PROSPECT]
    live = [a for a in buyers if a.id not in QUIET_ACCOUNTS]
    pools = {
        OrderStatus.PENDING: [
            a for a in live if a.status in (AccountStatus.ACTIVE, AccountStatus.ON_HOLD)
        ],
        OrderStatus.CONFIRMED: [a for a in live if a.status is AccountStatus.ACTIVE],
        OrderStatus.SHIPPED: [a for a in live if a.status is AccountStatus.ACTIVE],
        OrderStatus.DELIVERED: buyers,
        OrderStatus.CANCELLED: buyers,
    }
    held = [a for a in live if a.status is AccountStatus.ON_HOLD]
    for account in held:  # the order whose unpaid invoice, 60+ days overdue, put it on hold
        _add_order(data, rng, ids.next(), account, OrderStatus.DELIVERED, rng.randint(95, 130))
    count -= len(held)
    for status in quota(rng, count, GENERATED_ORDER_STATUSES, OrderStatus.DELIVERED):
        pool = pools[status]
        account = rng.choices(pool, weights=[TIER_WEIGHT[a.tier] for a in pool])[0]
        _add_order(data, rng, ids.next(), account, status)


def _add_order(
    data: Dataset,
    rng: Random,
    order_id: str,
    account: Account,
    status: OrderStatus,
    ordered: int | None = None,
) -> None:
    """An order of 1-5 catalogue items placed ``ordered`` days ago (by default: by status)."""
    if ordered is None:
        ordered = _placed(rng, account, status)
    when = data.clock.office_time
    shipped = ordered - rng.randint(1, 2)
    delivered = shipped - rng.randint(1, 4)
    items = [
        (sku, rng.randint(1, max(1, min(40, 150_000 // price))) * TIER_QUANTITY[account.tier])
        for sku, _, _, price in rng.sample(CATALOGUE, rng.randint(1, 5))
    ]
    data.add_order(
        order_id,
        account.id,
        status,
        items,
        when(rng, ordered),
        shipped_at=when(rng, shipped) if status in _SHIPPED else None,
        delivered_at=when(rng, delivered) if status is OrderStatus.DELIVERED else None,
        cancelled_at=when(rng, ordered - 1) if status is OrderStatus.CANCELLED else None,
        address=rng.choice(data.sites[account.id]),
    )


def _placed(rng: Random, account: Account, status: OrderStatus) -> int:
    """How many days ago an order in ``status`` was placed."""
    if status not in _HISTORY:
        return rng.randint(*_RECENT[status])
    if account.status is AccountStatus.CHURNED:
        return rng.randint(180, 540)
    if account.id in QUIET_ACCOUNTS:
        return rng.randint(120, 365)
    return rng.randint(8, 365)
