"""What the learning loop takes from a conversation and gives to its reviewers."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

Kind = Literal["confirmed", "corrected", "rejected"]
Status = Literal["candidate", "accepted", "dismissed"]


class Said(BaseModel):
    """One request of a plan: its skill, and its words as the skill matcher saw them."""

    skill: str
    text: str = Field(description="Empty when the planner matches no words (the LLM planner).")


class RunReport(BaseModel):
    """How one run of the graph ended, as the assistant service saw it."""

    session_id: str
    user: str
    turn: str | None = None
    requests: list[Said] = Field(default_factory=list, description="The plan's, in order.")
    confidence: float | None = None
    outcome: str = Field(description="The graph's outcome, or waiting for a decision.")
    answer: str | None = Field(None, description="The decision this run resumed on, if any.")
    by_requester: bool = True
    heard: Said | None = Field(
        None, description="A message answered without a plan; its skill is empty if none matched."
    )
    text: str = Field("", description="The message this run answered, as typed.")
    correction: bool = Field(False, description='The message corrects the last ("no, I meant …").')
    latency_ms: float | None = Field(None, description="Set on the run that answered a message.")


class Example(BaseModel):
    """A learnt utterance, for a reviewer."""

    id: str
    skill: str
    kind: Kind = Field(description="confirmed or corrected: it means the skill; rejected: not.")
    was: str | None = Field(None, description="What the planner took it for, if not the skill.")
    text: str = Field(description="As the skill matcher saw it: names and record ids masked.")
    confidence: float | None = None
    status: Status
    seen: int
    session_id: str
    created_at: datetime
    reviewed_by: str | None = None
    reviewed_at: datetime | None = None


class SkillStats(BaseModel):
    """One row of the per-skill table."""

    skill: str
    runs: int
    succeeded: int
    corrections: int
    rejections: int
    median_latency_ms: float | None
