"""When the trail cannot be written, append raises AuditUnavailable so the caller refuses to act."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from aios.audit import AuditTrail, AuditUnavailable, FileHeadStore
from aios.db import make_engine
from tests.audit.conftest import Backend, event


def test_dropped_table(backend: Backend) -> None:
    trail = backend.trail()
    trail.append(event(0))
    with backend.engine.begin() as conn:
        conn.execute(text("DROP TABLE audit_events"))

    with pytest.raises(AuditUnavailable, match="could not write"):
        trail.append(event(1))
    with pytest.raises(AuditUnavailable):
        trail.verify()
    with pytest.raises(AuditUnavailable):
        list(trail.records())


def test_read_only_database_file(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    writable = AuditTrail(make_engine(f"sqlite:///{path}"), None)
    writable.create_tables()
    writable.append(event(0))
    writable.engine.dispose()
    read_only = create_engine(
        "sqlite://", creator=lambda: sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    )
    trail = AuditTrail(read_only, FileHeadStore(tmp_path / "audit.head"))

    with pytest.raises(AuditUnavailable, match="readonly"):
        trail.append(event(1))
    assert [r.seq for r in trail.records()] == [1]  # what is there can still be read


def test_unreachable_server(tmp_path: Path) -> None:
    engine = make_engine("postgresql+psycopg://postgres@127.0.0.1:1/nothing?connect_timeout=2")
    trail = AuditTrail(engine, FileHeadStore(tmp_path / "audit.head"))

    with pytest.raises(AuditUnavailable):
        trail.create_tables()
    with pytest.raises(AuditUnavailable):
        trail.append(event(0))


def test_head_that_cannot_be_saved(backend: Backend, tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("")
    trail = AuditTrail(backend.engine, FileHeadStore(blocker / "audit.head"))
    trail.create_tables()

    with pytest.raises(AuditUnavailable, match="recorded up to seq 1"):
        trail.append(event(0))
