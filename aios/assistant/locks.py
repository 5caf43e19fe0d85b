"""One lock per conversation, held by whichever process runs a turn of it.

Every front end (API, web chat, Slack, voice) and every worker process reaches the same
conversation through the one core, so the lock lives here and not in a front end: a file lock
beside the SQLite state, or a PostgreSQL advisory lock when the state is shared on PostgreSQL
(two workers deciding the same confirmation at once must not both carry it out).

A turn waits up to ``wait_s`` for the conversation; after that it is told the conversation is
busy (``SessionBusy``). Waiting is polling with a try-lock, never a blocking call: a blocked
PostgreSQL lock waiter is an open transaction that CREATE INDEX CONCURRENTLY (the checkpointer's
setup) would wait on, and a poll can give up on time.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Protocol

from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from aios.settings import Settings

WAIT_S = 10.0
"""How long a turn waits for another turn of its conversation before it is told it is busy."""
_POLL_S = 0.05
_PG_NAMESPACE = 0x6A10  # first key of aios' session locks; the second is the session's hash


class SessionBusy(Exception):
    """Another turn of the conversation held it for longer than the wait."""

    code = "busy"
    message = "This conversation is busy with another request; nothing was done. Try again."


class SessionLocks(Protocol):
    def hold(self, session_id: str) -> AbstractContextManager[None]:
        """Hold ``session_id``'s lock for the block; raise ``SessionBusy`` when it stays taken."""
        ...


class _Reentrant:
    """A thread that holds a session's lock may take it again (``handle`` resumes inside its
    own hold); only the outermost hold touches the shared lock."""

    def __init__(self, take: Callable[[str, float], Callable[[], None] | None], wait_s: float):
        self._take, self.wait_s = take, wait_s
        self._held = threading.local()

    @contextlib.contextmanager
    def hold(self, session_id: str) -> Iterator[None]:
        depth: dict[str, int] = self._held.__dict__.setdefault("depth", {})
        if depth.get(session_id):
            depth[session_id] += 1
            try:
                yield
            finally:
                depth[session_id] -= 1
            return
        release = self._take(session_id, time.monotonic() + self.wait_s)
        if release is None:
            raise SessionBusy()
        depth[session_id] = 1
        try:
            yield
        finally:
            depth.pop(session_id, None)
            release()


class FileLocks(_Reentrant):
    """``flock`` on a file per session under ``directory``: every process on the machine that
    shares the SQLite state shares these. The lock goes with the process if it dies."""

    def __init__(self, directory: Path, wait_s: float = WAIT_S) -> None:
        super().__init__(self._take_file, wait_s)
        self.directory = directory
        directory.mkdir(parents=True, exist_ok=True)

    def _take_file(self, session_id: str, deadline: float) -> Callable[[], None] | None:
        path = self.directory / f"{_digest(session_id)[:32]}.lock"
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    os.close(fd)
                    return None
                time.sleep(_POLL_S)
                continue
            return lambda: os.close(fd)  # closing the file releases the lock


class PostgresLocks(_Reentrant):
    """A session-level advisory lock per session, on a connection held for the turn: every
    worker on the database shares these, and PostgreSQL drops them if the worker dies."""

    def __init__(self, engine: Engine, wait_s: float = WAIT_S) -> None:
        super().__init__(self._take_advisory, wait_s)
        self.engine = engine

    def _take_advisory(self, session_id: str, deadline: float) -> Callable[[], None] | None:
        key = int.from_bytes(bytes.fromhex(_digest(session_id)[:8]), "big", signed=True)
        keys = {"ns": _PG_NAMESPACE, "key": key}
        conn = self.engine.connect()
        try:
            while True:
                taken = conn.execute(text("SELECT pg_try_advisory_lock(:ns, :key)"), keys).scalar()
                conn.commit()
                if taken:
                    break
                if time.monotonic() >= deadline:
                    conn.close()
                    return None
                time.sleep(_POLL_S)
        except BaseException:
            conn.invalidate()
            conn.close()
            raise

        def release() -> None:
            try:
                conn.execute(text("SELECT pg_advisory_unlock(:ns, :key)"), keys)
                conn.commit()
            except Exception:
                conn.invalidate()  # a dropped connection took the lock with it
            finally:
                conn.close()

        return release


def open_locks(settings: Settings, wait_s: float = WAIT_S) -> SessionLocks:
    """Advisory locks where the conversations are checkpointed on PostgreSQL; else files in
    the data directory (SQLite state is one machine's)."""
    url = settings.checkpoint_url or settings.db_url("state")
    if make_url(url).get_backend_name() == "postgresql":
        # One connection per turn in progress; the pool grows with them and keeps a few.
        engine = create_engine(url, pool_size=2, max_overflow=-1, pool_pre_ping=True)
        return PostgresLocks(engine, wait_s)
    return FileLocks(settings.ensure_data_dir() / "locks", wait_s)


def _digest(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()
