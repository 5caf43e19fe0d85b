"""``aios db …``: the schema of aios' databases (its state, the stub CRM and ERP)."""

from __future__ import annotations

from enum import StrEnum

import typer
from sqlalchemy.engine import make_url

from aios.db import make_engine, open_database
from aios.migrations import DATABASES, current, head
from aios.settings import Settings

app = typer.Typer(help="Database schema migrations.", no_args_is_help=True)


class Database(StrEnum):
    STATE = "state"
    CRM = "crm"
    ERP = "erp"
    ALL = "all"


def _chosen(database: Database) -> tuple[str, ...]:
    return DATABASES if database is Database.ALL else (database.value,)


def _where(settings: Settings, name: str) -> str:
    return make_url(settings.db_url(name)).render_as_string(hide_password=True)


@app.command("upgrade")
def upgrade_command(
    database: Database = typer.Option(Database.ALL, "--database", help="Which database."),
) -> None:
    """Bring the databases to their newest schema (every process also does on start)."""
    settings = Settings()
    for name in _chosen(database):
        engine = open_database(settings, name)
        typer.echo(f"{name}: at {current(engine, name)} ({_where(settings, name)})")
        engine.dispose()


@app.command("current")
def current_command(
    database: Database = typer.Option(Database.ALL, "--database", help="Which database."),
) -> None:
    """Which revision each database is at, and the newest one this aios has."""
    settings = Settings()
    for name in _chosen(database):
        engine = make_engine(settings.db_url(name))
        at = current(engine, name) or "nothing (not migrated yet)"
        state = "up to date" if at == head(name) else f"behind: newest is {head(name)}"
        typer.echo(f"{name}: at {at}, {state} ({_where(settings, name)})")
        engine.dispose()
