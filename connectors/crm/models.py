"""The CRM's tables: accounts (customers), contacts, cases and notes."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlmodel import Field, SQLModel


class Tier(StrEnum):
    PLATINUM = "platinum"
    GOLD = "gold"
    SILVER = "silver"
    BRONZE = "bronze"


class AccountStatus(StrEnum):
    ACTIVE = "active"
    PROSPECT = "prospect"
    ON_HOLD = "on_hold"
    CHURNED = "churned"


class CaseStatus(StrEnum):
    NEW = "new"
    OPEN = "open"
    PENDING = "pending"
    ESCALATED = "escalated"
    RESOLVED = "resolved"
    CLOSED = "closed"


OPEN_CASE_STATUSES = frozenset(
    {CaseStatus.NEW, CaseStatus.OPEN, CaseStatus.PENDING, CaseStatus.ESCALATED}
)


class Priority(StrEnum):
    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"
    URGENT = "urgent"


class Account(SQLModel, table=True):
    __tablename__ = "accounts"

    id: str = Field(primary_key=True, description="Account number, e.g. ACC-1001.")
    name: str = Field(index=True)
    tier: Tier
    industry: str
    region: str
    status: AccountStatus = AccountStatus.ACTIVE
    credit_rating: str = Field(description="A (best) to D (worst).")
    owner: str = Field(description="Username of the account manager.")
    created_at: datetime


class Contact(SQLModel, table=True):
    __tablename__ = "contacts"

    id: str = Field(primary_key=True, description="e.g. CON-1001.")
    account_id: str = Field(foreign_key="accounts.id", index=True)
    name: str
    title: str = ""
    email: str = Field(description="PII.")
    phone: str = Field(description="PII.")
    is_primary: bool = False


class Case(SQLModel, table=True):
    __tablename__ = "cases"

    id: str = Field(primary_key=True, description="e.g. CS-1001.")
    account_id: str = Field(foreign_key="accounts.id", index=True)
    subject: str
    description: str = ""
    status: CaseStatus = CaseStatus.NEW
    priority: Priority = Priority.NORMAL
    owner: str
    escalation_level: int = 0
    created_at: datetime
    sla_due_at: datetime
    closed_at: datetime | None = None
    order_id: str | None = Field(None, description="ERP order the case is about, if any.")


class Note(SQLModel, table=True):
    __tablename__ = "notes"

    id: int | None = Field(default=None, primary_key=True)
    account_id: str = Field(foreign_key="accounts.id", index=True)
    case_id: str | None = Field(default=None, foreign_key="cases.id", index=True)
    author: str
    body: str
    created_at: datetime


TABLES = (Account, Contact, Case, Note)
