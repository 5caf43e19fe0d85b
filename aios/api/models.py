"""What crosses the API's boundary. The events are the core's own typed events."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field, model_validator

from aios.approvals import Approval
from aios.assistant.events import Event
from aios.limits import MAX_MESSAGE_CHARS, MAX_REASON_CHARS
from aios.mcp.confirmations import Answer, Confirmation

MAX_TEXT = MAX_MESSAGE_CHARS  # the assistant's own limit: the API accepts what it can handle


class MessageIn(BaseModel):
    text: str = Field(min_length=1, max_length=MAX_TEXT, description="What the user says.")


class DecisionIn(BaseModel):
    answer: Literal["approve", "reject", "change"] = Field(
        description="Decide the session's pending confirmation; change needs text."
    )
    text: str | None = Field(None, max_length=MAX_TEXT, description="The change, for change.")
    confirmation_id: str = Field(
        max_length=200,
        description="The ``id`` of the confirmation this answers, as shown (``GET …/pending`` "
        "or the turn's confirmation_required event); a replaced one is refused with 409.",
    )
    args_hash: str = Field(
        max_length=64, description="The ``args_hash`` of that confirmation, as shown."
    )


class ApprovalDecisionIn(BaseModel):
    answer: Literal["approve", "reject"]
    reason: str | None = Field(
        None,
        max_length=MAX_REASON_CHARS,
        description="For reject: why, in the approver's words. It is kept on the request "
        "(``rejection_reason``) and told to the requester with the decision. Refused with "
        "approve.",
    )

    @model_validator(mode="after")
    def _reason_only_to_reject(self) -> ApprovalDecisionIn:
        # An approval's reason would be kept nowhere: refuse it rather than drop it silently.
        if self.answer == "approve" and self.reason:
            raise ValueError("reason is for reject only")
        return self


class HeldAnswerIn(BaseModel):
    answer: Answer = Field(
        description="confirm: the held call runs now, exactly as held, once; decline: nothing "
        "runs, and the id is used up."
    )


class HeldAnswerOut(BaseModel):
    confirmation: Confirmation = Field(description="The held call as it now stands.")
    result: Any = Field(
        None, description="What the confirmed call returned, masked for the caller's role."
    )


class SessionOut(BaseModel):
    id: str
    owner: str
    created_at: datetime


class TurnOut(BaseModel):
    """One turn, when the client waits for all of it (without ``Accept: text/event-stream``)."""

    session_id: str
    status: str = Field(description="The done event's status: completed, awaiting_confirmation…")
    events: list[Event]


class TranscriptItem(BaseModel):
    actor: str = Field(description="Who spoke or decided in that turn.")
    said: str | None = Field(None, description="The message, on a turn's first event.")
    event: dict[str, Any]
    at: datetime


class ApprovalsOut(BaseModel):
    waiting: list[Approval] = Field(description="Requests the caller may decide.")
    mine: list[Approval] = Field(description="The caller's own requests, newest last.")


class Problem(BaseModel):
    """RFC 9457 problem details; ``code`` is stable across versions."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str
    code: str
