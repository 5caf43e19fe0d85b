"""The audit trail's contract runs against every backend: SQLite always, PostgreSQL when
AIOS_TEST_POSTGRES_URL names a server (each run in a schema of its own, dropped afterwards)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from aios.audit import AuditEvent, AuditTrail, FileHeadStore
from aios.db import make_engine

T0 = datetime(2026, 11, 20, 12, 0, 0)


@dataclass
class Backend:
    name: str
    url: str
    engine: Engine
    head_path: Path

    def trail(self, clock: Callable[[], datetime] | None = None) -> AuditTrail:
        head = FileHeadStore(self.head_path)
        trail = AuditTrail(self.engine, head, clock=clock or Ticker())
        trail.create_tables()
        return trail


class Ticker:
    """A deterministic clock: one millisecond later on every reading."""

    def __init__(self, start: datetime = T0) -> None:
        self.now = start

    def __call__(self) -> datetime:
        self.now += timedelta(milliseconds=1)
        return self.now


def event(i: int = 0, session_id: str = "s-1", **overrides: object) -> AuditEvent:
    fields: dict[str, object] = {
        "kind": ("tool.requested", "tool.succeeded", "policy.decided")[i % 3],
        "actor": "alice",
        "on_behalf_of": "ACC-1001",
        "session_id": session_id,
        "step": "act",
        "tool": "erp.create_refund",
        "arguments": {"order_id": f"SO-{1000 + i}", "amount_cents": 100 * i, "note": "é ✓"},
        "result": {"refund_id": f"RF-{i}"} if i % 3 == 1 else None,
        "policy_decision": "CONFIRM",
        "approval_id": None,
        "policy_version": "2026-11",
    }
    fields.update(overrides)
    return AuditEvent.model_validate(fields)


def _postgres(tmp_path: Path) -> Iterator[Backend]:
    base_url = os.environ.get("AIOS_TEST_POSTGRES_URL")
    if not base_url:
        pytest.skip("PostgreSQL backend: set AIOS_TEST_POSTGRES_URL to run it")
    schema = f"audit_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base_url)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = make_url(base_url).update_query_dict({"options": f"-csearch_path={schema}"})
    url_text = url.render_as_string(hide_password=False)
    engine = make_engine(url_text)
    try:
        yield Backend("postgres", url_text, engine, tmp_path / "audit.head")
    finally:
        engine.dispose()
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Backend]:
    if request.param == "postgres":
        yield from _postgres(tmp_path)
        return
    url = f"sqlite:///{tmp_path / 'state.db'}"
    engine = make_engine(url)
    yield Backend("sqlite", url, engine, tmp_path / "audit.head")
    engine.dispose()


@pytest.fixture
def trail(backend: Backend) -> AuditTrail:
    return backend.trail()
