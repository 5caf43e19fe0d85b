"""What the operations routes answer with."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from aios.audit import AuditRecord


class SlaClock(BaseModel):
    """Where a deadline stands at ``now``."""

    due_at: datetime
    minutes_left: int = Field(description="Whole minutes until due; negative once overdue.")
    overdue: bool


class ApprovalItem(BaseModel):
    """A four-eyes request still waiting for a decision."""

    id: str
    session_id: str
    tool: str
    description: str = Field(description="The step in words, masked for the viewer's role.")
    requester: str
    required_role: str = Field(description="Who may approve now; rises on escalation.")
    level: int = Field(description="Escalation level: how often nobody decided in time.")
    created_at: datetime
    sla: SlaClock


class CaseItem(BaseModel):
    """An open support case near or past its SLA deadline."""

    id: str
    account_id: str
    subject: str
    priority: str
    owner: str
    escalation_level: int
    sla: SlaClock


class WorkOut(BaseModel):
    now: datetime
    approvals: list[ApprovalItem] = Field(description="Pending requests, soonest due first.")
    failed_steps: list[AuditRecord] = Field(description="Recent tool.failed rows, newest first.")
    cases: list[CaseItem] = Field(description="Open cases due within the window, soonest first.")
