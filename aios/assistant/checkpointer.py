"""Where the graph keeps its conversations: a SQLite file beside the data, or PostgreSQL when
several workers must see each other's paused conversations."""

from __future__ import annotations

import sqlite3
import time
from typing import Any

from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.checkpoint.postgres import PostgresSaver
from langgraph.checkpoint.sqlite import SqliteSaver
from psycopg import Connection
from psycopg.rows import DictRow, dict_row
from psycopg_pool import ConnectionPool
from sqlalchemy.engine import make_url

from aios.settings import Settings

# Any fixed 64-bit number; the same in every process, and unlike aios' other locks.
_PG_SETUP_LOCK = 0x6A105_C4EC_0001
_SETUP_POLL_S = 0.1
# PostgresSaver runs one statement at a time per process (it holds a lock around its cursor),
# so a few connections cover reconnects and the setup; more would only sit idle.
_POOL_SIZE = 2


def open_checkpointer(settings: Settings) -> BaseCheckpointSaver[str]:
    """PostgreSQL at ``checkpoint_url``, or at the state database when that is PostgreSQL;
    otherwise ``checkpoints.db`` in the data directory."""
    url = settings.checkpoint_url or settings.db_url("state")
    if make_url(url).get_backend_name() == "postgresql":
        return _postgres(url)
    # One connection shared by the graph's threads; SqliteSaver serialises access to it.
    path = settings.ensure_data_dir() / "checkpoints.db"
    conn = sqlite3.connect(path, check_same_thread=False)
    # WAL: a checkpoint commits with one sync instead of a rollback journal's several, and is
    # as durable (synchronous stays FULL).
    conn.execute("PRAGMA journal_mode=WAL")
    return SqliteSaver(conn)


def _postgres(url: str) -> PostgresSaver:
    # psycopg takes libpq's URL: the SQLAlchemy one without its driver suffix.
    conninfo = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    # What PostgresSaver expects of its connections (as its from_conn_string makes them).
    options: dict[str, Any] = {"autocommit": True, "prepare_threshold": 0}
    with Connection.connect(conninfo, row_factory=dict_row, **options) as conn:
        # setup() creates its tables, then records its migrations by number: two workers
        # starting together would both insert number 0, so they take turns.
        _take_turn(conn)
        PostgresSaver(conn).setup()
    pool = ConnectionPool[Connection[DictRow]](
        conninfo,
        min_size=1,
        max_size=_POOL_SIZE,
        kwargs={**options, "row_factory": dict_row},
        check=ConnectionPool.check_connection,
        open=True,
    )
    return PostgresSaver(pool)


def _take_turn(conn: Connection[DictRow]) -> None:
    """Wait for the setup lock by asking again and again, never by blocking: setup() builds
    indexes CONCURRENTLY, which waits for every open transaction in the database, and a
    worker blocked on the lock is one (PostgreSQL then breaks the deadlock by failing it)."""
    while True:
        row = conn.execute("SELECT pg_try_advisory_lock(%s) AS taken", (_PG_SETUP_LOCK,)).fetchone()
        if row is not None and row["taken"]:
            return
        time.sleep(_SETUP_POLL_S)
