"""What the API keeps beside the graph: who owns a session, its transcript, and the answers
to requests retried with the same ``Idempotency-Key``."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, Text, UniqueConstraint
from sqlalchemy.exc import IntegrityError
from sqlmodel import Field, Session, SQLModel, col, select

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

    def reserve(self, user: str, key: str, request_hash: str) -> tuple[str, str | None] | None:
        """Claim ``key`` for a new turn: None when claimed, else the first claim's
        (request hash, response), the response None while that turn still runs."""
        with Session(self.engine) as session:
            session.add(IdempotentTurn(user=user, key=key, request_hash=request_hash))
            try:
                session.commit()
                return None
            except IntegrityError:
                session.rollback()
            query = select(IdempotentTurn).where(
                IdempotentTurn.user == user, IdempotentTurn.key == key
            )
            row = session.exec(query).one()
            return row.request_hash, row.response

    def complete(self, user: str, key: str, response: str) -> None:
        with Session(self.engine) as session:
            query = select(IdempotentTurn).where(
                IdempotentTurn.user == user, IdempotentTurn.key == key
            )
            row = session.exec(query).one()
            row.response = response
            session.add(row)
            session.commit()

    def release(self, user: str, key: str) -> None:
        """Forget a claim whose turn failed before it answered, so a retry can run it."""
        with Session(self.engine) as session:
            query = select(IdempotentTurn).where(
                IdempotentTurn.user == user,
                IdempotentTurn.key == key,
                col(IdempotentTurn.response).is_(None),
            )
            for row in session.exec(query):
                session.delete(row)
            session.commit()


def open_api_store(settings: Settings) -> ApiStore:
    return ApiStore(open_database(settings, "state"))
