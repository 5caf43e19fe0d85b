"""What the assistant tells a front end, as a stream of typed events.

Every channel (web chat, terminal, API, Slack, voice) renders these and nothing else, so the
same turn looks the same everywhere and no front end needs business logic.
"""

from __future__ import annotations

import hashlib
import json
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, Field, TypeAdapter, model_validator

from aios.assistant.inert import inert

ShownText = Annotated[str, AfterValidator(inert)]
"""Text a person reads, made inert (``aios.assistant.inert``) whoever built the event."""


class Citation(BaseModel):
    source: str = Field(description="Document path relative to the knowledge folder.")
    title: ShownText
    heading: ShownText = ""
    snippet: ShownText = ""


class PlannedStepView(BaseModel):
    index: int
    tool: str
    args: dict[str, Any]
    description: ShownText


class PlanEvent(BaseModel):
    type: Literal["plan"] = "plan"
    understood: ShownText = Field(description="What the assistant understood, in one sentence.")
    steps: list[PlannedStepView]
    confidence: float


class StepStarted(BaseModel):
    type: Literal["step_started"] = "step_started"
    index: int
    tool: str
    args: dict[str, Any]


class StepFinished(BaseModel):
    type: Literal["step_finished"] = "step_finished"
    index: int
    tool: str
    ok: bool
    result: Any = None
    error: ShownText | None = None
    summary: ShownText = Field(
        "",
        description='What the step did, in words ("Added a note to case CS-1007 (note 105)"); '
        "every front end shows this rather than phrasing the result itself.",
    )


def args_hash(tool: str, args: dict[str, Any]) -> str:
    """sha256 of the canonical JSON of a step: what a decision on it says it saw."""
    canonical = json.dumps(
        {"tool": tool, "args": args},
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        default=str,
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


class ShownArgument(BaseModel):
    """One argument of a step as a person reads it: labelled from the operation's field
    description, the value in words (money as money)."""

    name: str = Field(description="The operation's field.")
    label: ShownText
    value: ShownText


class ConfirmationRequired(BaseModel):
    type: Literal["confirmation_required"] = "confirmation_required"
    id: str = Field(
        "",
        description="This confirmation; a decision names it, and one on a replaced "
        "confirmation is refused.",
    )
    args_hash: str = Field(
        "", description="sha256 of the canonical JSON of tool and args; a decision repeats it."
    )
    index: int
    tool: str
    args: dict[str, Any]
    arguments: list[ShownArgument] = Field(
        default_factory=list,
        description="Every argument the step will be sent, as a person reads it.",
    )
    text: ShownText = Field(description="Exactly what will be done, for the person to confirm.")
    decision: Literal["confirm", "approve"]
    approver_role: str | None = Field(None, description="Who must approve, for four-eyes.")
    requester: str | None = Field(None, description="Who asked; only they may confirm.")
    reason: ShownText
    approval_id: str | None = Field(None, description="The ledger's request, for four-eyes.")

    @model_validator(mode="after")
    def _hashed(self) -> ConfirmationRequired:
        # Derived, never trusted from outside: the hash is of what this event shows.
        self.args_hash = args_hash(self.tool, self.args)
        return self


class MessageEvent(BaseModel):
    type: Literal["message"] = "message"
    text: ShownText
    citations: list[Citation] = Field(default_factory=list)


class ClarificationEvent(BaseModel):
    type: Literal["clarification"] = "clarification"
    question: ShownText
    options: list[ShownText] = Field(default_factory=list)


class ErrorEvent(BaseModel):
    type: Literal["error"] = "error"
    code: str
    message: ShownText


class DoneEvent(BaseModel):
    type: Literal["done"] = "done"
    status: Literal["completed", "awaiting_confirmation", "needs_input", "failed", "cancelled"]


Event = Annotated[
    PlanEvent
    | StepStarted
    | StepFinished
    | ConfirmationRequired
    | MessageEvent
    | ClarificationEvent
    | ErrorEvent
    | DoneEvent,
    Field(discriminator="type"),
]
EVENT_ADAPTER: TypeAdapter[Event] = TypeAdapter(Event)
