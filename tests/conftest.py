"""Fixtures shared across the suite: the embedding model (loaded once) and demo data."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlmodel import select

from aios.assistant.factory import build_runtime
from aios.identity import demo_users
from aios.knowledge.embedder import Embedder, load_embedder
from aios.policy import load_policy
from aios.settings import Settings
from aios.users import open_directory
from aios.wiring import open_systems
from connectors.demo.seeding import seed

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def embedder() -> Embedder:
    return load_embedder()


@pytest.fixture
def demo_settings(tmp_path, monkeypatch) -> Settings:
    """Settings on a fresh data directory holding the seeded demo company."""
    monkeypatch.setenv("AIOS_DATA_DIR", str(tmp_path / "data"))
    settings = Settings(
        data_dir=tmp_path / "data",
        skills_dir=REPO / "skills",
        policy_file=REPO / "policies" / "actions.yaml",
        masking_file=REPO / "policies" / "masking.yaml",
        knowledge_dir=REPO / "knowledge",
    )
    systems = open_systems(settings)
    seed(systems, seed=42, today=datetime.now(UTC).date())
    for system in systems.values():
        system.engine.dispose()
    seed_demo_users(settings)
    return settings


def seed_demo_users(settings: Settings) -> None:
    """The demo operators in the user directory, as `aios demo seed` adds them."""
    directory = open_directory(settings, load_policy(settings.policy_file).policy.roles)
    directory.seed(demo_users().values())
    directory.engine.dispose()


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
