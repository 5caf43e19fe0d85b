"""What CRM operations return: records as callers see them."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from connectors.crm.models import AccountStatus, Case, CaseStatus, Note, Priority, Tier


class _View(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class AccountView(_View):
    id: str
    name: str
    tier: Tier
    industry: str
    region: str
    status: AccountStatus
    credit_rating: str
    owner: str


class ContactView(_View):
    id: str
    account_id: str
    name: str
    title: str
    email: str
    phone: str
    is_primary: bool


class CaseView(_View):
    id: str
    account_id: str
    subject: str
    status: CaseStatus
    priority: Priority
    owner: str
    escalation_level: int
    created_at: datetime
    sla_due_at: datetime
    closed_at: datetime | None
    order_id: str | None


class NoteView(_View):
    id: int
    account_id: str
    case_id: str | None
    author: str
    body: str
    created_at: datetime


class CaseDetail(CaseView):
    description: str
    notes: list[NoteView] = Field(description="The case's notes, oldest first.")

    @classmethod
    def of(cls, case: Case, notes: Iterable[Note]) -> CaseDetail:
        return cls(
            **CaseView.model_validate(case).model_dump(),
            description=case.description,
            notes=[NoteView.model_validate(n) for n in notes],
        )


class AccountDetail(_View):
    """An account as the CRM sees it: who to talk to, what is open, what was said lately."""

    account: AccountView
    contacts: list[ContactView] = Field(description="Its contacts, the primary one first.")
    open_cases: list[CaseView] = Field(description="Cases not yet resolved, soonest due first.")
    recent_notes: list[NoteView] = Field(description="Its latest notes, newest first.")


class CaseChange(_View):
    """A case after a change, and the note that records why."""

    case: CaseView
    note: NoteView
