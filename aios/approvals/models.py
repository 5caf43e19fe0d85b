"""What the ledger keeps about an approval, and how its arguments are sealed."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, Field, field_validator
from sqlalchemy import Text
from sqlmodel import Field as Column
from sqlmodel import SQLModel


class ApprovalStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    EXPIRED = "expired"
    WITHDRAWN = "withdrawn"  # the requester cancelled or changed the request


class Execution(StrEnum):
    """What came of an approved request when it ran: kept apart from the decision, since an
    approved refund the system then refuses is approved and failed, not done."""

    SUCCEEDED = "succeeded"
    FAILED = "failed"


def args_hash(args: dict[str, Any]) -> str:
    """SHA-256 of the arguments' canonical JSON: what an approver approves, sealed."""
    canonical = json.dumps(args, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


class ApprovalRow(SQLModel, table=True):
    __tablename__ = "approvals"

    id: str = Column(primary_key=True, max_length=40)
    session_id: str = Column(index=True)
    step_index: int
    tool: str
    arguments: str = Column(sa_type=Text)
    args_hash: str = Column(max_length=64)
    description: str = Column(sa_type=Text)
    reason: str = Column(sa_type=Text)
    requester: str = Column(index=True)
    required_role: str = Column(index=True)
    level: int = 0
    status: str = Column(index=True, max_length=16)
    created_at: datetime
    due_at: datetime
    decided_by: str | None = None
    decided_role: str | None = None
    decided_at: datetime | None = None
    rejection_reason: str | None = Column(default=None, sa_type=Text)
    outcome: str | None = Column(default=None, sa_type=Text)
    executed: str | None = Column(default=None, max_length=16)
    requester_notified: bool = False


class Approval(BaseModel):
    """A request for a second person's decision on exactly one tool call."""

    id: str = Field(description="AP-… derived from the conversation, message and step.")
    session_id: str = Field(description="The requester's conversation, which resumes on decision.")
    step_index: int
    tool: str
    arguments: dict[str, Any] = Field(description="Exactly what will run when approved.")
    args_hash: str = Field(description="SHA-256 of the arguments when the request was made.")
    description: str = Field(description="The step in words, as the requester confirmed it.")
    reason: str = Field(description="The policy rule's reason for needing approval.")
    requester: str
    required_role: str = Field(description="Who may approve now; rises on escalation.")
    level: int = Field(description="How often it escalated because nobody decided in time.")
    status: ApprovalStatus
    created_at: datetime
    due_at: datetime
    decided_by: str | None = None
    decided_role: str | None = None
    decided_at: datetime | None = None
    rejection_reason: str | None = Field(
        None,
        description="The approver's own words on why they rejected it, when they gave any "
        "(the policy rule's reason for asking is ``reason``).",
    )
    outcome: str | None = Field(None, description="What happened after the decision.")
    executed: Execution | None = Field(
        None,
        description="Whether what was approved then ran: succeeded, or failed (the system "
        "refused or was down; nothing was changed); none until it ran.",
    )
    requester_notified: bool = False

    @field_validator("created_at", "due_at", "decided_at")
    @classmethod
    def _utc(cls, value: datetime | None) -> datetime | None:
        # SQLite hands datetimes back without their zone; they were stored as UTC.
        return value.replace(tzinfo=UTC) if value and value.tzinfo is None else value

    @classmethod
    def from_row(cls, row: ApprovalRow) -> Approval:
        return cls.model_validate({**row.model_dump(), "arguments": json.loads(row.arguments)})

    def decision(self) -> str:
        """Who decided and how, with a rejection's reason: ``rejected by erin: over the limit``."""
        decided = self.status.value + (f" by {self.decided_by}" if self.decided_by else "")
        return (
            f"{decided}: {self.rejection_reason.rstrip('.')}" if self.rejection_reason else decided
        )

    def standing(self) -> str:
        """The decision and, once it ran, what came of it: ``approved by dave, but it failed``."""
        decided = self.decision()
        if self.executed is Execution.FAILED:
            return f"{decided}, but it failed"
        if self.executed is Execution.SUCCEEDED:
            return f"{decided} and carried out"
        return decided

    def overdue(self, now: datetime) -> bool:
        return self.status is ApprovalStatus.PENDING and now >= self.due_at
