from __future__ import annotations

import pytest
from sqlmodel import select

from aios.assistant.factory import build_runtime
from aios.identity import demo_users
from aios.wiring import open_systems


@pytest.fixture
def runtime(demo_settings, embedder):
    return build_runtime(demo_settings, embedder=embedder)


@pytest.fixture
def users():
    return demo_users()


@pytest.fixture
def rows(demo_settings):
    """Rows of a system table as they are now: ``rows("erp", Refund)``."""
    systems = open_systems(demo_settings)

    def read(system: str, table):
        with systems[system].session() as session:
            return list(session.exec(select(table)))

    return read


def kinds(events) -> list[str]:
    return [event.type for event in events]
