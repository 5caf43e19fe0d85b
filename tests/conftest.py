"""Fixtures shared across the suite: the embedding model (loaded once) and demo data."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser
from sqlmodel import select

from aios.assistant.factory import build_runtime
from aios.demo import seed_demo
from aios.identity import demo_users
from aios.knowledge.embedder import Embedder, load_embedder
from aios.settings import Settings
from aios.wiring import open_systems
from tests.browser import chromium_or_skip, launched
from tests.settings import checkout_settings


@pytest.fixture(autouse=True)
def _logging_as_it_was() -> Iterator[None]:
    """A command run in-process (``aios slack``) sets up the process's logging for a server;
    the next test must not inherit its level and handlers."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    # A command's set-up also sets its own loggers' levels ("aios" at WARNING on a terminal).
    levels = {
        name: logger.level
        for name, logger in logging.root.manager.loggerDict.items()
        if isinstance(logger, logging.Logger)
    }
    yield
    root.handlers[:], root.level = handlers, level
    for name, logger in logging.root.manager.loggerDict.items():
        if isinstance(logger, logging.Logger):
            logger.setLevel(levels.get(name, logging.NOTSET))


@pytest.fixture(scope="session")
def embedder() -> Embedder:
    return load_embedder()


@pytest.fixture
def demo_settings(tmp_path, monkeypatch) -> Settings:
    """Settings on a fresh data directory holding the seeded demo company."""
    monkeypatch.setenv("AIOS_DATA_DIR", str(tmp_path / "data"))
    settings = checkout_settings(tmp_path / "data")
    seed_demo(settings)
    return settings


@pytest.fixture
def runtime(demo_settings, embedder):
    return build_runtime(demo_settings, embedder=embedder)


@pytest.fixture(scope="session")
def chromium() -> str:
    """Skips a browser test (before it starts any server) where Debian's Chromium is missing."""
    return chromium_or_skip()


@pytest.fixture
def browser(chromium: str) -> Iterator[Browser]:
    with launched() as browser:
        yield browser


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
