"""Database engines: SQLite by default, any SQLAlchemy URL (PostgreSQL for scale-out)."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url

from aios.migrations import upgrade

if TYPE_CHECKING:
    from aios.settings import Settings


def open_database(settings: Settings, name: str) -> Engine:
    """An engine on database ``name`` (state, crm or erp), brought to its newest schema."""
    settings.ensure_data_dir()
    engine = make_engine(settings.db_url(name))
    upgrade(engine, name)
    return engine


def make_engine(url: str) -> Engine:
    """An engine configured for concurrent use.

    SQLite gets WAL (readers never block the writer), a busy timeout, foreign keys, and
    ``BEGIN IMMEDIATE`` transactions: a deferred transaction that reads and later writes fails
    with "database is locked" when another writer got in between, instead of waiting its turn.
    """
    parsed = make_url(url)
    if not parsed.drivername.startswith("sqlite"):
        return create_engine(url, pool_pre_ping=True)

    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # let the begin hook below own transactions
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA busy_timeout=30000")
        _wal(cursor)
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def _wal(cursor: Any) -> None:
    """Put the database in WAL mode. On a new file several connections opening at once race
    for the switch, and SQLite answers the losers "database is locked" at once, without
    waiting: they try again until one has made the switch (it lasts, in the file)."""
    for attempt in range(50):
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError:
            if attempt == 49:
                raise
            time.sleep(0.1)
