"""What the operations routes answer with."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field, JsonValue

from aios.approvals import ApprovalStatus
from aios.audit import AuditRecord
from aios.learning.models import SkillStats


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


class WaitingStep(BaseModel):
    """A step of a conversation that waits: for its requester, or for a system's answer."""

    session_id: str
    seq: int = Field(description="The audit record it has waited since.")
    requester: str
    tool: str
    arguments: dict[str, JsonValue] = Field(description="The step's arguments, masked.")
    since: datetime
    age_minutes: int = Field(description="Whole minutes it has waited.")


class WorkOut(BaseModel):
    now: datetime
    approvals: list[ApprovalItem] = Field(description="Pending requests, soonest due first.")
    confirmations: list[WaitingStep] = Field(
        description="Steps waiting for their requester to confirm them, newest first."
    )
    unfinished_writes: list[WaitingStep] = Field(
        description="Writes sent whose outcome is not recorded, newest first: in flight (an "
        "HTTP connector retries within the call), or cut off by a crash."
    )
    failed_writes: list[AuditRecord] = Field(
        description="Recent tool.failed rows of writes, newest first: a change that did not "
        "happen, for someone to look at."
    )
    failed_lookups: list[AuditRecord] = Field(
        description="Recent tool.failed rows of lookups, newest first: mostly a record that "
        "does not exist (SO-9999); nothing was changed."
    )
    cases: list[CaseItem] = Field(description="Open cases due within the window, soonest first.")


class HourActivity(BaseModel):
    hour: datetime = Field(description="The hour's start (UTC).")
    turns: int = Field(
        description="Messages and answers to confirmations the assistant looked something up "
        "for or decided on (a turn that left no audit record is not counted)."
    )
    writes: int = Field(description="Writes the systems carried out (tool.succeeded).")
    latency_p50_ms: float | None = Field(
        description="Half the turns planned in the hour were answered within this many "
        "milliseconds (until the plan or answer was shown); none when nothing was planned."
    )
    latency_p95_ms: float | None = Field(
        description="19 in 20 of them were answered within this many milliseconds."
    )


class OutcomeCount(BaseModel):
    outcome: ApprovalStatus
    count: int


class ActivityOut(BaseModel):
    since: datetime = Field(description="The first hour's start (UTC).")
    hours: list[HourActivity] = Field(description="Every hour of the window, oldest first.")
    approvals: list[OutcomeCount] = Field(
        description="Four-eyes requests opened in the window, by where they stand now."
    )
    approved_but_failed: int = Field(
        0,
        description="Of those approved, how many then failed when they ran (the system refused "
        "them or was down): approved is not done.",
    )


class SkillsOut(BaseModel):
    since: datetime = Field(description="The first hour's start (UTC), as for the activity.")
    skills: list[SkillStats] = Field(
        description="Every skill planned in the window, by name: its requests (runs), how many "
        "were carried out (succeeded), changed by their requester before they ran "
        "(corrections) or turned down by a person (rejections), and the median wait."
    )


class PlannerShare(BaseModel):
    """The turns one planner decided in the window."""

    planner: str = Field(description="embedded or llm.")
    turns: int
    share: float = Field(description="Of all turns whose planner was recorded, 0 to 1.")
    model_failed: int = Field(
        description="Of these, turns where the model was asked and gave no usable answer: "
        "under auto the embedded answer stood; under llm the operator was told so."
    )
    tokens_in: int = Field(description="The model's prompt tokens over these turns.")
    tokens_out: int = Field(description="The model's answer tokens over these turns.")
    cost_usd: float = Field(description="Their price at the configured rates.")


class PlannersOut(BaseModel):
    since: datetime = Field(description="The first hour's start (UTC), as for the activity.")
    configured: str = Field(description="AIOS_PLANNER: embedded, llm or auto.")
    planners: list[PlannerShare] = Field(
        description="Who decided the turns of the window, most turns first. Turns are recorded "
        "with their planner only when a model is configured (llm, or auto with a model)."
    )
