"""What the Slack adapter keeps in aios' state database beside the graph: which thread each
session lives in (and its plan message), which deliveries were already taken, and where each
approval request was posted."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Engine, Text
from sqlalchemy.exc import IntegrityError
from sqlmodel import Field, Session, SQLModel, col, select

from aios.db import open_database
from aios.settings import Settings
from connectors.clock import utc_now


class SlackThread(SQLModel, table=True):
    __tablename__ = "slack_threads"

    session_id: str = Field(primary_key=True, max_length=128)
    channel: str = Field(max_length=32)
    thread_ts: str | None = Field(default=None, max_length=32)
    """None: a direct message's top level, where replies go to the channel itself."""
    plan_ts: str | None = Field(default=None, max_length=32)
    plan: str | None = Field(default=None, sa_type=Text)
    """The plan message's ``PlanView`` JSON, re-drawn when a later turn runs its steps."""
    question_ts: str | None = Field(default=None, max_length=32)
    """The confirmation whose buttons are still live; redrawn without them once answered,
    by a click or by what is typed in the thread."""


class SlackDelivery(SQLModel, table=True):
    __tablename__ = "slack_deliveries"

    key: str = Field(primary_key=True, max_length=160)
    at: datetime


class SlackApprovalPost(SQLModel, table=True):
    __tablename__ = "slack_approval_posts"

    approval_id: str = Field(primary_key=True, max_length=40)
    session_id: str = Field(index=True, max_length=128)
    channel: str | None = Field(default=None, max_length=32)
    ts: str | None = Field(default=None, max_length=32)
    shown: str = Field(max_length=80)
    """What the message shows (status and role); it is redrawn when the ledger differs."""
    settled: bool = Field(default=False, index=True)
    """Its final state is shown and the requester was told: nothing more to watch."""


class SlackStore:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def claim(self, key: str) -> bool:
        """Take delivery ``key`` once: False when it was taken before (a retry, or the same
        message delivered as a mention and as a message), in this process or another."""
        with Session(self.engine) as session:
            session.add(SlackDelivery(key=key, at=utc_now()))
            try:
                session.commit()
            except IntegrityError:
                return False
            return True

    def thread(self, session_id: str) -> SlackThread | None:
        with Session(self.engine) as session:
            return session.get(SlackThread, session_id)

    def open_thread(self, session_id: str, channel: str, thread_ts: str | None) -> SlackThread:
        with Session(self.engine) as session:
            row = session.get(SlackThread, session_id)
            if row is None:
                row = SlackThread(session_id=session_id, channel=channel, thread_ts=thread_ts)
                session.add(row)
                session.commit()
                session.refresh(row)
            return row

    def save_plan(self, session_id: str, plan_ts: str, plan: str) -> None:
        with Session(self.engine) as session:
            row = session.get(SlackThread, session_id)
            if row is not None:
                row.plan_ts, row.plan = plan_ts, plan
                session.add(row)
                session.commit()

    def save_question(self, session_id: str, question_ts: str | None) -> None:
        with Session(self.engine) as session:
            row = session.get(SlackThread, session_id)
            if row is not None:
                row.question_ts = question_ts
                session.add(row)
                session.commit()

    def post(self, approval_id: str) -> SlackApprovalPost | None:
        with Session(self.engine) as session:
            return session.get(SlackApprovalPost, approval_id)

    def save_post(self, post: SlackApprovalPost) -> None:
        with Session(self.engine) as session:
            session.merge(post)
            session.commit()

    def watched_posts(self) -> list[SlackApprovalPost]:
        with Session(self.engine) as session:
            query = select(SlackApprovalPost).where(col(SlackApprovalPost.settled).is_(False))
            return list(session.exec(query))


def open_slack_store(settings: Settings) -> SlackStore:
    return SlackStore(open_database(settings, "state"))
