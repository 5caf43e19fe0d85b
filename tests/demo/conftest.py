"""The demo dataset seeded into real SQLite databases in temp dirs.

"Today" is fixed so that assertions about dates are exact; the systems' clock stands at 10:00
UTC that day, so operations judge windows and deadlines as an operator would that morning.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any, TypeVar

import pytest
from sqlmodel import SQLModel, select

from aios.db import make_engine
from connectors.demo import seed
from connectors.demo.seeding import DEMO_TABLES
from connectors.system import System
from connectors.systems import SYSTEMS, build_system

TODAY = date(2026, 3, 16)
NOW = datetime.combine(TODAY, time(10), tzinfo=UTC)
MIDNIGHT = datetime.combine(TODAY, time(), tzinfo=UTC)

T = TypeVar("T", bound=SQLModel)


def open_at(path: Path) -> dict[str, System]:
    """The CRM and ERP on SQLite files under ``path``, their clock at ``NOW``."""
    path.mkdir(parents=True, exist_ok=True)
    return {
        name: build_system(name, make_engine(f"sqlite:///{path / name}.db"), clock=lambda: NOW)
        for name in SYSTEMS
    }


def close(systems: dict[str, System]) -> None:
    for system in systems.values():
        system.engine.dispose()


def _holder(systems: dict[str, System], model: type[SQLModel]) -> System:
    return next(systems[name] for name, tables in DEMO_TABLES.items() if model in tables)


def rows(systems: dict[str, System], model: type[T]) -> list[T]:
    """Every row of ``model``'s table, from whichever system holds it."""
    with _holder(systems, model).session() as session:
        return list(session.exec(select(model)).all())


def get(systems: dict[str, System], model: type[T], key: str) -> T:
    """The row of ``model`` with primary key ``key``; fails the test when there is none."""
    with _holder(systems, model).session() as session:
        found = session.get(model, key)
    assert found is not None, f"no {model.__name__} {key}"
    return found


def dump(systems: dict[str, System]) -> dict[str, list[dict[str, Any]]]:
    """Every demo table as a list of row dicts in primary-key order."""
    tables: dict[str, list[dict[str, Any]]] = {}
    for name, models in DEMO_TABLES.items():
        with systems[name].session() as session:
            for model in models:
                key = model.__table__.primary_key.columns  # type: ignore[attr-defined]
                found = session.exec(select(model).order_by(*key)).all()
                tables[str(model.__tablename__)] = [row.model_dump() for row in found]
    return tables


@pytest.fixture
def systems(tmp_path: Path) -> Iterator[dict[str, System]]:
    """Empty systems."""
    opened = open_at(tmp_path)
    yield opened
    close(opened)


@pytest.fixture
def fresh(systems: dict[str, System]) -> dict[str, System]:
    """Systems seeded with seed 42, for tests that change data."""
    seed(systems, seed=42, today=TODAY)
    return systems


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, System]]:
    """Systems seeded with seed 42 once per module; read them, never change them."""
    opened = open_at(tmp_path_factory.mktemp("seeded"))
    seed(opened, seed=42, today=TODAY)
    yield opened
    close(opened)
