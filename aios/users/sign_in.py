"""Web chat sign-in: each user's own password, with failed attempts throttled.

Failures are counted per user and per client (the address the request came from), in the
state database, so that every worker of a server counts the same ones. After
``max_failures`` failures in a row, that user or that client is locked out for
``first_lock``, doubling with every further failure up to ``longest_lock``; while locked out,
even the right password is refused, unchecked. Failures older than ``forget_after`` are
forgotten; a successful sign-in forgets the user's.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col

from aios.identity import User
from aios.users.directory import UserDirectory
from aios.users.tables import SignInFailureRow
from connectors.clock import utc_now

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Throttle:
    max_failures: int = 5
    first_lock: timedelta = timedelta(seconds=30)
    longest_lock: timedelta = timedelta(hours=1)
    forget_after: timedelta = timedelta(hours=1)

    def lock_for(self, failures: int) -> timedelta | None:
        if failures < self.max_failures:
            return None
        grown: timedelta = self.first_lock * 2 ** (failures - self.max_failures)
        return min(grown, self.longest_lock)


@dataclass(frozen=True)
class SignIn:
    """The outcome of one attempt: the user, or why not."""

    user: User | None
    locked_until: datetime | None = None


def username_of(typed: str) -> str:
    """Chainlit's sign-in form asks for an e-mail address: ``alice@anything`` is read as alice."""
    return typed.strip().lower().split("@")[0]


class SignIns:
    def __init__(
        self,
        directory: UserDirectory,
        throttle: Throttle | None = None,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self.directory = directory
        self.throttle = throttle or Throttle()
        self.clock = clock

    def attempt(self, typed_name: str, password: str, client: str | None) -> SignIn:
        """Check ``password`` for the user ``typed_name`` names, unless that user or
        ``client`` is locked out; a failure counts against both."""
        name = username_of(typed_name)
        keys = [f"user:{name}"] + ([f"client:{client}"] if client else [])
        now = self.clock()
        if (until := self._locked_until(keys, now)) is not None:
            log.warning("sign-in as %s from %s refused: locked out until %s", name, client, until)
            return SignIn(None, until)
        user = self.directory.check_password(name, password)
        if user is not None:
            self._forget(keys[0])
            return SignIn(user)
        locked = [until for key in keys if (until := self._fail(key, now)) is not None]
        log.warning("failed sign-in as %s from %s", name, client)
        return SignIn(None, max(locked) if locked else None)

    def _locked_until(self, keys: list[str], now: datetime) -> datetime | None:
        with Session(self.directory.engine) as session:
            rows = [session.get(SignInFailureRow, key) for key in keys]
        until = [_utc(r.locked_until) for r in rows if r is not None and r.locked_until]
        latest = max(until, default=None)
        return latest if latest is not None and latest > now else None

    def _fail(self, key: str, now: datetime) -> datetime | None:
        """Count a failure against ``key``; when it is now locked out, until when."""
        with Session(self.directory.engine) as session:
            row = session.get(SignInFailureRow, key)
            if row is None:
                session.add(SignInFailureRow(key=key, failures=1, last_failure_at=now))
                try:
                    session.commit()
                    return None
                except IntegrityError:
                    session.rollback()  # another worker counted its first one: count on it
            table = update(SignInFailureRow).where(col(SignInFailureRow.key) == key)
            restarted = False
            if row is not None and now - _utc(row.last_failure_at) > self.throttle.forget_after:
                # Start counting again, unless another worker counted since this one looked.
                again = table.where(col(SignInFailureRow.failures) == row.failures)
                done = session.execute(
                    again.values(failures=1, last_failure_at=now, locked_until=None)
                )
                restarted = bool(done.rowcount)  # type: ignore[attr-defined]
            if not restarted:
                # In the database, not from what was read: two workers failing at once both count.
                session.execute(
                    table.values(failures=SignInFailureRow.failures + 1, last_failure_at=now)
                )
            session.commit()
            counted = session.get(SignInFailureRow, key, populate_existing=True)
            assert counted is not None
            lock = self.throttle.lock_for(counted.failures)
            if lock is None:
                return None
            counted.locked_until = now + lock
            session.add(counted)
            session.commit()
            return now + lock

    def _forget(self, key: str) -> None:
        with Session(self.directory.engine) as session:
            session.execute(delete(SignInFailureRow).where(col(SignInFailureRow.key) == key))
            session.commit()


def _utc(value: datetime) -> datetime:
    # SQLite hands datetimes back without their zone; they were stored as UTC.
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value
