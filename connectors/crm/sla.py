"""Case deadlines: how many hours a case may stay open, by account tier and case priority.

The one table every part of aios reads (opening a case, finding breached cases, the demo data),
so a change of service levels is a change here only.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_
from sqlmodel import col

from connectors.crm.models import OPEN_CASE_STATUSES, Case, Priority, Tier

SLA_HOURS: Mapping[Tier, Mapping[Priority, int]] = {
    Tier.PLATINUM: {Priority.URGENT: 4, Priority.HIGH: 8, Priority.NORMAL: 24, Priority.LOW: 48},
    Tier.GOLD: {Priority.URGENT: 8, Priority.HIGH: 24, Priority.NORMAL: 48, Priority.LOW: 72},
    Tier.SILVER: {Priority.URGENT: 24, Priority.HIGH: 48, Priority.NORMAL: 72, Priority.LOW: 120},
    Tier.BRONZE: {Priority.URGENT: 48, Priority.HIGH: 72, Priority.NORMAL: 120, Priority.LOW: 168},
}


def sla_due_at(tier: Tier, priority: Priority, opened_at: datetime) -> datetime:
    """When a case of this priority, opened at ``opened_at`` for a ``tier`` account, is due."""
    return opened_at + timedelta(hours=SLA_HOURS[tier][priority])


def sla_breached(now: datetime) -> ColumnElement[bool]:
    """A query condition: the case is still open and its deadline has passed."""
    return and_(col(Case.status).in_(OPEN_CASE_STATUSES), col(Case.sla_due_at) < now)
