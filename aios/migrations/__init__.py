"""Schema migrations (Alembic) for every database aios owns: its state, and the stub CRM and ERP.

One Alembic environment (``env.py``), one history per database under ``versions/<database>``,
each with its own version table, so the three may share one PostgreSQL database. Everything is
found beside this file, so it works from an installed package as from the checkout.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, text

DATABASES = ("state", "crm", "erp")
_HERE = Path(__file__).parent
# Any fixed 64-bit number; the same in every process, and unlike the audit trail's.
_PG_LOCK_KEY = 0x6A105_D8_0001


def version_table(database: str) -> str:
    return f"alembic_version_{database}"


def config(database: str, connection: Connection | None = None) -> Config:
    """The Alembic configuration of ``database``'s history, on ``connection`` if given."""
    if database not in DATABASES:
        raise ValueError(f"unknown database {database!r}; known: {', '.join(DATABASES)}")
    cfg = Config()
    cfg.set_main_option("script_location", str(_HERE))
    cfg.set_main_option("version_locations", str(_HERE / "versions" / database))
    cfg.set_main_option("path_separator", "os")
    cfg.attributes["database"] = database
    cfg.attributes["connection"] = connection
    return cfg


@cache
def head(database: str) -> str:
    """The newest revision of ``database``'s history."""
    found = ScriptDirectory.from_config(config(database)).get_current_head()
    assert found is not None, f"no migrations for {database}"
    return found


def current(engine: Engine, database: str) -> str | None:
    """The revision ``engine``'s database is at; None before its first migration."""
    with engine.connect() as conn:
        return _current(conn, database)


def upgrade(engine: Engine, database: str, revision: str = "head") -> None:
    """Bring ``engine``'s database to ``revision`` of ``database``'s history.

    The whole upgrade is one transaction that other upgraders wait for (workers starting
    together migrate once), and a no-op query when the database is already there. A database
    made by ``create_all`` before migrations existed needs nothing special: the baseline
    creates only the tables it does not find.
    """
    wanted = head(database) if revision == "head" else revision
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK_KEY})
        # SQLite needs nothing: aios.db.make_engine begins every transaction IMMEDIATE.
        if _current(conn, database) != wanted:
            command.upgrade(config(database, conn), revision)


def _current(conn: Connection, database: str) -> str | None:
    opts = {"version_table": version_table(database)}
    return MigrationContext.configure(conn, opts=opts).get_current_revision()
