"""The migrations make exactly the models' schema, on SQLite and PostgreSQL; a database made by
``create_all`` before migrations existed is brought to head with its rows; workers starting
together migrate once."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, inspect
from sqlmodel import Session, SQLModel

from aios.db import make_engine, open_database
from aios.migrations import DATABASES, config, current, head, upgrade
from aios.migrations.catalog import metadata, only_ours, tables
from aios.settings import Settings
from aios.users.tables import UserRow


def schema_diff(engine: Engine, database: str) -> list[object]:
    with engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"include_name": only_ours(database), "compare_type": True}
        )
        return list(compare_metadata(context, metadata(database)))


@pytest.mark.parametrize("database", DATABASES)
def test_the_migrations_make_the_models_schema(db_url: str, database: str) -> None:
    engine = make_engine(db_url)
    upgrade(engine, database)

    assert current(engine, database) == head(database)
    assert schema_diff(engine, database) == []
    engine.dispose()


def test_the_three_databases_can_share_one(db_url: str) -> None:
    settings = Settings(state_url=db_url, crm_url=db_url, erp_url=db_url)
    engines = [open_database(settings, name) for name in DATABASES]

    for engine, database in zip(engines, DATABASES, strict=True):
        assert current(engine, database) == head(database)
        assert schema_diff(engine, database) == []
        engine.dispose()


def test_a_database_made_by_create_all_keeps_its_rows(db_url: str) -> None:
    # Before migrations each store created its own tables: a state database could hold the
    # directory's tables and nothing else.
    engine = make_engine(db_url)
    directory_tables = [t for t in tables("state") if t.name.startswith(("users", "api_key"))]
    SQLModel.metadata.create_all(engine, tables=directory_tables)
    with Session(engine) as session:
        session.add(UserRow(name="jo", role="agent", created_at=datetime.now(UTC)))
        session.commit()
    assert current(engine, "state") is None

    migrated = open_database(Settings(state_url=db_url), "state")

    assert current(migrated, "state") == head("state")
    assert schema_diff(migrated, "state") == []
    with Session(migrated) as session:
        assert session.get(UserRow, "jo") is not None
    migrated.dispose()
    engine.dispose()


def test_downgrade_to_nothing_and_back(db_url: str) -> None:
    engine = make_engine(db_url)
    for database in ("crm", "erp"):  # the ones with PostgreSQL enum types to drop too
        upgrade(engine, database)
        with engine.begin() as conn:
            command.downgrade(config(database, conn), "base")
        left = [t for t in inspect(engine).get_table_names() if not t.startswith("alembic_")]
        assert left == []
        upgrade(engine, database)
        assert schema_diff(engine, database) == []
        with engine.begin() as conn:
            command.downgrade(config(database, conn), "base")
    engine.dispose()


def test_workers_starting_together_migrate_once(db_url: str) -> None:
    engines = [make_engine(db_url) for _ in range(4)]
    failures: list[BaseException] = []
    start = threading.Barrier(len(engines))

    def worker(engine: Engine) -> None:
        start.wait()
        try:
            upgrade(engine, "state")
        except BaseException as exc:  # every failure is reported, not only the first
            failures.append(exc)

    threads = [threading.Thread(target=worker, args=(e,)) for e in engines]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert failures == []
    assert current(engines[0], "state") == head("state")
    for engine in engines:
        engine.dispose()
