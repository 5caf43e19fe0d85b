"""The learning loop's tables in aios' state database."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Text, UniqueConstraint
from sqlmodel import Field, SQLModel


class ExampleRow(SQLModel, table=True):
    """An utterance learnt from a conversation, as the skill matcher saw it (names and record
    ids masked), waiting for review, accepted or dismissed."""

    __tablename__ = "learning_examples"

    # Derived from the skill, the kind and the normalised text: an utterance said again is
    # the same example, seen once more.
    id: str = Field(primary_key=True, max_length=16)
    skill: str = Field(index=True, max_length=64)
    # "confirmed" and "corrected" examples say what ``skill`` means; a "rejected" one says
    # what it does not mean (a hard negative).
    kind: str = Field(max_length=16)
    was: str | None = Field(default=None, max_length=64)  # what the planner took it for
    text: str = Field(sa_type=Text)
    confidence: float | None = None
    status: str = Field(index=True, max_length=16)
    seen: int = 1  # how often conversations produced it
    session_id: str = Field(max_length=64)
    created_at: datetime
    reviewed_by: str | None = Field(default=None, max_length=64)
    reviewed_at: datetime | None = None


class SkillRunRow(SQLModel, table=True):
    """One request of a plan and how it ended: the per-skill table of the operations view."""

    __tablename__ = "skill_runs"
    __table_args__ = (UniqueConstraint("session_id", "turn", "part"),)

    id: int | None = Field(default=None, primary_key=True)
    session_id: str = Field(max_length=64)
    turn: str = Field(max_length=64)
    part: int
    skill: str = Field(index=True, max_length=64)
    # completed, failed, denied, cancelled, expired, or waiting (for a person's decision)
    outcome: str = Field(max_length=16)
    corrected: bool = False  # the requester changed it before it ran
    rejected: bool = False  # a person said no: the requester or an approver
    latency_ms: float  # until the plan was shown or answered: what the operator waited
    at: datetime = Field(index=True)


class ObservationRow(SQLModel, table=True):
    """A session's last request, for the next to teach what it meant: one that did not work
    out (matched no skill, or the requester said no or changed it) meant whatever request of
    theirs works out next; one that worked (``settled``), only if the next is a correction
    ("no, I meant cancel it")."""

    __tablename__ = "learning_observations"

    session_id: str = Field(primary_key=True, max_length=64)
    turn: str | None = Field(default=None, max_length=64)
    user: str = Field(max_length=64)
    text: str = Field(sa_type=Text)
    was: str | None = Field(default=None, max_length=64)
    settled: bool = False
    at: datetime
