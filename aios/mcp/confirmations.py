"""Pending confirmations, for clients that cannot ask the person themselves (no elicitation).

A call the policy holds for confirmation answers with an id; the person agrees (the client
sends the call again with exactly the same arguments and that id, or they answer in aios's own
terminal) or declines. Each id names one pending call, kept in the state database: the user,
the tool, its exact arguments, the idempotency key its write will carry, when it expires and
where it stands. Any worker (and a restarted one) can take the answer, and only once: the
answer is a conditional update from pending, so of two answers racing one wins and the other
is told that the id was used.

A confirmed call is carried out under a lease (which worker took it, until when), ended by
its outcome. A worker that dies between the answer and the write leaves the lease to run out;
the next confirmation of that id then takes it over and runs the call again with the same
idempotency key, so the write is booked once whether or not the dead worker got to it. While
the lease holds, another answer is told the call is being carried out.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import socket
from collections.abc import Callable
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel
from sqlalchemy import Engine, Text, and_, update
from sqlmodel import Field, Session, SQLModel, col, select

from aios.approvals import args_hash

PREFIX = "CF-"
_ID = re.compile(rf"^{PREFIX}[0-9a-f]{{32}}$")
Answer = Literal["confirm", "decline"]
Refusal = Literal["invalid", "unknown", "answered", "running", "expired"]
LEASE = timedelta(minutes=2)
"""How long a worker has to carry out a confirmed call before another may take it over: far
longer than a connector's write, which times out sooner."""


class ConfirmationStatus(StrEnum):
    PENDING = "pending"
    CONFIRMED = "confirmed"
    DECLINED = "declined"


class ConfirmationRow(SQLModel, table=True):
    __tablename__ = "mcp_confirmations"

    id: str = Field(primary_key=True, max_length=40)
    user_name: str = Field(index=True, max_length=64)
    tool: str = Field(max_length=120)
    arguments: str = Field(sa_type=Text)
    args_hash: str = Field(max_length=64)
    idempotency_key: str = Field(max_length=64)
    reason: str = Field(sa_type=Text)
    client: str = Field(default="", max_length=200)
    created_at: datetime
    expires_at: datetime
    status: str = Field(index=True, max_length=16)
    decided_at: datetime | None = None
    decided_via: str | None = Field(default=None, max_length=32)
    outcome: str | None = Field(default=None, sa_type=Text)
    taken_by: str | None = Field(default=None, max_length=120)
    lease_until: datetime | None = None


class Confirmation(BaseModel):
    """One call held for its user's confirmation."""

    id: str
    user: str
    tool: str
    arguments: dict[str, Any]
    idempotency_key: str
    """What the confirmed write carries: however often it is tried, it is booked once."""
    reason: str
    client: str
    created_at: datetime
    expires_at: datetime
    status: ConfirmationStatus
    decided_at: datetime | None = None
    decided_via: str | None = None
    outcome: str | None = None
    taken_by: str | None = None
    """The worker carrying out (or that carried out) the confirmed call."""
    lease_until: datetime | None = None
    """Until when ``taken_by`` holds it; None once it has an outcome."""

    @classmethod
    def from_row(cls, row: ConfirmationRow) -> Confirmation:
        return cls(
            **row.model_dump(exclude={"user_name", "arguments", "args_hash", "status"}),
            user=row.user_name,
            arguments=json.loads(row.arguments),
            status=ConfirmationStatus(row.status),
        )

    def expired(self, now: datetime) -> bool:
        return self.status is ConfirmationStatus.PENDING and now >= self.expires_at

    def abandoned(self, now: datetime) -> bool:
        """Confirmed, without an outcome, and its worker's lease ran out: it died on the way."""
        return (
            self.status is ConfirmationStatus.CONFIRMED
            and self.outcome is None
            and self.lease_until is not None
            and now >= self.lease_until
        )


class ConfirmationRefused(Exception):
    """The answer is not taken; the message says why, in plain words, and ``refusal`` what
    kind of refusal it is (a front end maps it to its own codes)."""

    def __init__(self, message: str, refusal: Refusal) -> None:
        super().__init__(message)
        self.message = message
        self.refusal = refusal


class Confirmations:
    """``ttl``: how long the person has to answer; ``worker`` names this process on the
    leases it takes (default: host and process id)."""

    def __init__(
        self,
        engine: Engine,
        ttl: timedelta,
        clock: Callable[[], datetime],
        *,
        lease: timedelta = LEASE,
        worker: str | None = None,
    ) -> None:
        self.engine = engine
        self.ttl = ttl
        self.clock = clock
        self.lease = lease
        self.worker = worker or f"{socket.gethostname()}:{os.getpid()}"

    def issue(
        self,
        user: str,
        tool: str,
        args: dict[str, Any],
        *,
        reason: str,
        client: str,
        key_of: Callable[[str], str],
    ) -> Confirmation:
        """A pending confirmation of exactly this call; ``key_of`` names its write's
        idempotency key from the new id."""
        ident = PREFIX + secrets.token_hex(16)
        now = self.clock()
        row = ConfirmationRow(
            id=ident,
            user_name=user,
            tool=tool,
            arguments=json.dumps(args, sort_keys=True, default=str),
            args_hash=args_hash(args),
            idempotency_key=key_of(ident),
            reason=reason,
            client=client,
            created_at=now,
            expires_at=now + self.ttl,
            status=ConfirmationStatus.PENDING,
        )
        with Session(self.engine) as session:
            session.add(row)
            session.commit()
            session.refresh(row)
            return Confirmation.from_row(row)

    def get(self, ident: str) -> Confirmation | None:
        with Session(self.engine) as session:
            row = session.get(ConfirmationRow, ident)
            return Confirmation.from_row(row) if row else None

    def of(self, user: str, *, every: bool = False) -> list[Confirmation]:
        """``user``'s confirmations still waiting for an answer (``every``: all of them),
        oldest first."""
        query = select(ConfirmationRow).where(ConfirmationRow.user_name == user)
        if not every:
            query = query.where(ConfirmationRow.status == ConfirmationStatus.PENDING)
        with Session(self.engine) as session:
            found = [Confirmation.from_row(r) for r in session.exec(query)]
        now = self.clock()
        kept = [c for c in found if every or not c.expired(now)]
        return sorted(kept, key=lambda c: c.created_at)

    def answer(
        self,
        ident: str,
        user: str,
        answer: Answer,
        via: str,
        call: tuple[str, dict[str, Any]] | None = None,
    ) -> Confirmation:
        """Take ``user``'s answer on ``ident``, once; ``call`` (tool, arguments) when the answer
        comes with the call itself, which must be exactly the one held. A confirmation is
        taken under this worker's lease (a confirmed call abandoned by a dead worker is taken
        over). ConfirmationRefused says why an answer is not taken."""
        if not _ID.match(ident):
            raise ConfirmationRefused(
                f"{ident!r} is not a confirmation id. Nothing was run.", "invalid"
            )
        found = self.get(ident)
        if found is None or found.user != user or (call and not _same(found, *call)):
            # Someone else's id is not said to exist: ids are not for guessing.
            raise ConfirmationRefused(
                f"Confirmation {ident} was not given for this call: it confirms one call of "
                "one user, with exactly the arguments it was given for. Nothing was run.",
                "unknown",
            )
        now = self.clock()
        if answer == "confirm" and found.abandoned(now):
            return self._take_over(found, now)
        if found.status is not ConfirmationStatus.PENDING:
            raise ConfirmationRefused(used(found), _standing(found))
        if found.expired(now):
            raise ConfirmationRefused(
                f"Confirmation {ident} expired at {found.expires_at:%H:%M} UTC. Nothing was "
                "run; call again without it to be given a new one.",
                "expired",
            )
        values: dict[str, Any] = {"decided_at": now, "decided_via": via}
        if answer == "confirm":
            values |= self._leased(now)
        else:
            values["status"] = ConfirmationStatus.DECLINED
        return self._won(found, values, col(ConfirmationRow.status) == ConfirmationStatus.PENDING)

    def _take_over(self, found: Confirmation, now: datetime) -> Confirmation:
        """The confirmed call whose worker's lease ran out, taken by this worker; of two
        workers taking it over at once, one wins."""
        dead = and_(
            col(ConfirmationRow.status) == ConfirmationStatus.CONFIRMED,
            col(ConfirmationRow.outcome).is_(None),
            col(ConfirmationRow.lease_until) <= now,
        )
        return self._won(found, self._leased(now), dead)

    def _leased(self, now: datetime) -> dict[str, Any]:
        """Confirmed, and carried out by this worker until the lease runs out."""
        return {
            "status": ConfirmationStatus.CONFIRMED,
            "taken_by": self.worker,
            "lease_until": now + self.lease,
        }

    def _won(self, found: Confirmation, values: dict[str, Any], only_if: Any) -> Confirmation:
        """``found`` updated with ``values`` if it still stands as ``only_if`` says; refused
        as used when another worker changed it first."""
        with Session(self.engine) as session:
            won = session.execute(
                update(ConfirmationRow)
                .where(col(ConfirmationRow.id) == found.id, only_if)
                .values(**values)
            )
            session.commit()
        taken = self.get(found.id)
        assert taken is not None
        if not won.rowcount:  # type: ignore[attr-defined]
            raise ConfirmationRefused(used(taken), _standing(taken))  # another worker was first
        return taken

    def record_outcome(self, ident: str, outcome: str) -> None:
        """What came of the answer; it ends the lease."""
        with Session(self.engine) as session:
            session.execute(
                update(ConfirmationRow)
                .where(col(ConfirmationRow.id) == ident)
                .values(outcome=outcome, lease_until=None)
            )
            session.commit()


def used(confirmation: Confirmation) -> str:
    """What a second answer on an answered confirmation is told."""
    when = f"{confirmation.decided_at:%H:%M} UTC" if confirmation.decided_at else "earlier"
    where = f" in {confirmation.decided_via}" if confirmation.decided_via else ""
    came = f" {confirmation.outcome}" if confirmation.outcome else ""
    if _standing(confirmation) == "running":
        assert confirmation.lease_until is not None
        came = (
            " It is being carried out now; if that worker stops, confirming again after "
            f"{confirmation.lease_until:%H:%M:%S} UTC finishes it, once."
        )
    return (
        f"Confirmation {confirmation.id} was already {confirmation.status.value}{where} at "
        f"{when}.{came} Nothing more was done."
    )


def _standing(confirmation: Confirmation) -> Refusal:
    """Why an answer on a confirmation no longer pending is refused."""
    running = confirmation.status is ConfirmationStatus.CONFIRMED and confirmation.outcome is None
    return "running" if running and confirmation.lease_until is not None else "answered"


def _same(found: Confirmation, tool: str, args: dict[str, Any]) -> bool:
    return found.tool == tool and args_hash(found.arguments) == args_hash(args)
