"""What the API keeps beside the graph: who owns a session, its transcript, and the answers
to requests retried with the same ``Idempotency-Key``."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, Text, UniqueConstraint, delete, or_, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Field, Session, SQLModel, col, select
from sqlmodel.sql.expression import SelectOfScalar

from aios.db import open_database
from aios.settings import Settings
from connectors.clock import utc_now


class ApiSession(SQLModel, table=True):
    __tablename__ = "api_sessions"

    id: str = Field(primary_key=True, max_length=64)
    owner: str = Field(index=True)
    created_at: datetime


class TranscriptEntry(SQLModel, table=True):
    __tablename__ = "api_transcript"

    id: int | None = Field(default=None, primary_key=True)
    session_id: str = Field(index=True)
    actor: str
    said: str | None = Field(default=None, sa_type=Text)
    event: str = Field(sa_type=Text)
    at: datetime


class IdempotentTurn(SQLModel, table=True):
    __tablename__ = "api_idempotency"
    __table_args__ = (UniqueConstraint("user", "key"),)

    id: int | None = Field(default=None, primary_key=True)
    user: str
    key: str = Field(max_length=200)
    request_hash: str = Field(max_length=64)
    response: str | None = Field(default=None, sa_type=Text)  # None while the turn runs
    # While the turn runs: who runs it and until when (seconds since the epoch), renewed as it
    # goes. A lease that ran out belongs to a process that died; another may take the claim.
    owner: str | None = Field(default=None, max_length=64)
    lease_until: float | None = None
    progress: str | None = Field(default=None, sa_type=Text)  # the events so far, as JSON


@dataclass(frozen=True)
class Claim:
    """Someone else's claim on an ``Idempotency-Key``, as it stands."""

    request_hash: str
    response: str | None
    owner: str | None
    lease_until: float | None
    progress: str | None


class ApiStore:
    def __init__(self, engine: Engine, clock: Callable[[], datetime] = utc_now) -> None:
        self.engine = engine
        self.clock = clock

    def open_session(self, session_id: str, owner: str) -> ApiSession:
        with Session(self.engine) as session:
            row = ApiSession(id=session_id, owner=owner, created_at=self.clock())
            session.add(row)
            session.commit()
            session.refresh(row)
            return row

    def session(self, session_id: str) -> ApiSession | None:
        with Session(self.engine) as session:
            return session.get(ApiSession, session_id)

    def sessions(self, owner: str) -> list[ApiSession]:
        with Session(self.engine) as session:
            query = select(ApiSession).where(ApiSession.owner == owner)
            return list(session.exec(query.order_by(col(ApiSession.created_at))))

    def record(
        self, session_id: str, actor: str, said: str | None, events: Sequence[dict[str, Any]]
    ) -> None:
        now = self.clock()
        with Session(self.engine) as session:
            for index, event in enumerate(events):
                session.add(
                    TranscriptEntry(
                        session_id=session_id,
                        actor=actor,
                        said=said if index == 0 else None,
                        event=json.dumps(event),
                        at=now,
                    )
                )
            session.commit()

    def transcript(self, session_id: str) -> list[TranscriptEntry]:
        with Session(self.engine) as session:
            query = select(TranscriptEntry).where(TranscriptEntry.session_id == session_id)
            return list(session.exec(query.order_by(col(TranscriptEntry.id))))

    def reserve(
        self, user: str, key: str, request_hash: str, owner: str, lease_until: float
    ) -> Claim | None:
        """Claim ``key`` for a new turn run by ``owner``: None when claimed, else the claim
        that was there first (its response None while that turn runs or ran into a crash)."""
        with Session(self.engine) as session:
            session.add(
                IdempotentTurn(
                    user=user,
                    key=key,
                    request_hash=request_hash,
                    owner=owner,
                    lease_until=lease_until,
                )
            )
            try:
                session.commit()
                return None
            except IntegrityError:
                session.rollback()
            row = session.exec(_claim(user, key)).one()
            return Claim(row.request_hash, row.response, row.owner, row.lease_until, row.progress)

    def take_over(
        self, user: str, key: str, claim: Claim, owner: str, now: float, lease_until: float
    ) -> bool:
        """Make ``owner`` run ``key``'s turn if ``claim`` is still as seen and its lease ran
        out. One conditional update, so of two takers only one wins."""
        gone = or_(col(IdempotentTurn.lease_until).is_(None), col(IdempotentTurn.lease_until) < now)
        same = (
            col(IdempotentTurn.owner).is_(None)
            if claim.owner is None
            else col(IdempotentTurn.owner) == claim.owner
        )
        query = (
            update(IdempotentTurn)
            .where(col(IdempotentTurn.user) == user, col(IdempotentTurn.key) == key)
            .where(col(IdempotentTurn.response).is_(None), same, gone)
            .values(owner=owner, lease_until=lease_until)
        )
        with self.engine.begin() as conn:
            return conn.execute(query).rowcount == 1

    def renew(
        self, user: str, key: str, owner: str, lease_until: float, progress: str | None = None
    ) -> bool:
        """Extend ``owner``'s lease (and keep the events so far); False once it lost the claim."""
        values: dict[str, Any] = {"lease_until": lease_until}
        if progress is not None:
            values["progress"] = progress
        query = (
            update(IdempotentTurn)
            .where(col(IdempotentTurn.user) == user, col(IdempotentTurn.key) == key)
            .where(col(IdempotentTurn.owner) == owner, col(IdempotentTurn.response).is_(None))
            .values(**values)
        )
        with self.engine.begin() as conn:
            return conn.execute(query).rowcount == 1

    def complete(self, user: str, key: str, owner: str, response: str) -> None:
        """Keep the answer of ``owner``'s turn; nothing when another process took the claim
        over meanwhile (its turn's answer is the one kept)."""
        query = (
            update(IdempotentTurn)
            .where(col(IdempotentTurn.user) == user, col(IdempotentTurn.key) == key)
            .where(col(IdempotentTurn.owner) == owner)
            .values(response=response, owner=None, lease_until=None, progress=None)
        )
        with self.engine.begin() as conn:
            conn.execute(query)

    def release(self, user: str, key: str, owner: str) -> None:
        """Forget ``owner``'s claim whose turn failed before it answered, so a retry runs it."""
        query = (
            delete(IdempotentTurn)
            .where(col(IdempotentTurn.user) == user, col(IdempotentTurn.key) == key)
            .where(col(IdempotentTurn.owner) == owner, col(IdempotentTurn.response).is_(None))
        )
        with self.engine.begin() as conn:
            conn.execute(query)


def _claim(user: str, key: str) -> SelectOfScalar[IdempotentTurn]:
    return select(IdempotentTurn).where(IdempotentTurn.user == user, IdempotentTurn.key == key)


def open_api_store(settings: Settings) -> ApiStore:
    return ApiStore(open_database(settings, "state"))
