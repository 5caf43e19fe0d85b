"""Accounts (CRM), their ERP customer records, and their contacts."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from random import Random

from faker import Faker

from connectors.crm.models import Account, AccountStatus, Contact, Tier
from connectors.demo._dataset import Dataset, IdSequence, email_domain, quota
from connectors.demo._planted import NAMED_ACCOUNTS, AccountSpec
from connectors.demo._quality import ERP_NAMES
from connectors.demo.company import (
    ACCOUNT_OWNERS,
    AREA_CODES,
    CONTACT_TITLES,
    CREDIT_LIMIT_CENTS,
    INDUSTRY_SUFFIXES,
    NAME_PREFIXES,
    REGIONS,
    payment_terms_days,
)
from connectors.erp.models import Customer

ACCOUNT_TOTAL = 60
GENERATED_STATUSES = {
    AccountStatus.PROSPECT: 2,
    AccountStatus.ON_HOLD: 2,
    AccountStatus.CHURNED: 3,
}
"""How many generated accounts have each status; the rest are active."""
GENERATED_TIERS = {Tier.PLATINUM: 4, Tier.GOLD: 10, Tier.SILVER: 17}
"""How many generated accounts have each tier; the rest are bronze."""
RATING_WEIGHTS: dict[Tier, dict[str, int]] = {
    Tier.PLATINUM: {"A": 8, "B": 2},
    Tier.GOLD: {"A": 5, "B": 4, "C": 1},
    Tier.SILVER: {"A": 2, "B": 5, "C": 3},
    Tier.BRONZE: {"B": 4, "C": 5, "D": 1},
}
ON_HOLD_RATINGS = {"B": 1, "C": 3}
"""Accounts on hold owe money, so they are not prepayment-only (D) and seldom rated well."""


def _weighted(rng: Random, weights: Mapping[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def add_accounts(data: Dataset, rng: Random, fake: Faker) -> None:
    for spec in NAMED_ACCOUNTS:
        _add_account(data, rng, fake, spec)
    ids = IdSequence("ACC", 1001, [spec.id for spec in NAMED_ACCOUNTS])
    count = ACCOUNT_TOTAL - len(NAMED_ACCOUNTS)
    statuses = quota(rng, count, GENERATED_STATUSES, AccountStatus.ACTIVE)
    tiers = quota(rng, count, GENERATED_TIERS, Tier.BRONZE)
    prefixes = rng.sample(NAME_PREFIXES, count)
    industries = sorted(INDUSTRY_SUFFIXES)
    for prefix, status, tier in zip(prefixes, statuses, tiers, strict=True):
        industry = rng.choice(industries)
        held = status is AccountStatus.ON_HOLD
        spec = AccountSpec(
            id=ids.next(),
            name=f"{prefix} {rng.choice(INDUSTRY_SUFFIXES[industry])}",
            tier=tier,
            industry=industry,
            region=rng.choice(list(REGIONS)),
            status=status,
            rating=_weighted(rng, ON_HOLD_RATINGS if held else RATING_WEIGHTS[tier]),
            owner=rng.choice(ACCOUNT_OWNERS),
        )
        _add_account(data, rng, fake, spec)


def _add_account(data: Dataset, rng: Random, fake: Faker, spec: AccountSpec) -> None:
    prospect = spec.status is AccountStatus.PROSPECT
    account = Account(
        id=spec.id,
        name=spec.name,
        tier=spec.tier,
        industry=spec.industry,
        region=spec.region,
        status=spec.status,
        credit_rating=spec.rating,
        owner=spec.owner,
        created_at=data.clock.office_time(
            rng, rng.randint(5, 60) if prospect else rng.randint(600, 1500)
        ),
    )
    billing = spec.address or _address(rng, fake, spec.region)
    sites = [billing, _address(rng, fake, spec.region)] if rng.random() < 0.4 else [billing]
    local_part = rng.choice(("ap", "accounts", "billing", "invoices"))
    customer = Customer(
        account_id=spec.id,
        name=ERP_NAMES.get(spec.id, spec.name),
        credit_limit_cents=CREDIT_LIMIT_CENTS[spec.rating],
        payment_terms_days=payment_terms_days(spec.tier),
        billing_address=billing,
        billing_email=f"{local_part}@{email_domain(spec.name)}",
    )
    data.add_account(account, customer, sites)


def _address(rng: Random, fake: Faker, region: str) -> str:
    state = rng.choice(REGIONS[region])
    return f"{fake.street_address()}, {fake.city()}, {state} {fake.zipcode()}"


def add_contacts(data: Dataset, rng: Random, fake: Faker) -> None:
    """Two contacts per prospect or churned account, three or four per other account."""
    ids = IdSequence("CON", 1001, [contact.id for contact in data.contacts])
    planted = Counter(c.account_id for c in data.contacts if c.is_primary)
    for account in data.accounts:
        few = account.status in (AccountStatus.PROSPECT, AccountStatus.CHURNED)
        domain = email_domain(account.name)
        for n in range(2 if few else rng.randint(3, 4)):
            first, last = fake.first_name(), fake.last_name()
            area = rng.choice(AREA_CODES[account.region])
            data.contacts.append(
                Contact(
                    id=ids.next(),
                    account_id=account.id,
                    name=f"{first} {last}",
                    title=rng.choice(CONTACT_TITLES),
                    email=f"{_slug(first)}.{_slug(last)}@{domain}",
                    phone=f"+1-{area}-555-01{rng.randint(0, 99):02d}",  # 555-01xx: fictional
                    is_primary=n == 0 and not planted[account.id],
                )
            )


def _slug(word: str) -> str:
    return re.sub(r"[^a-z]", "", word.lower())
