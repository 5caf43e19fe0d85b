"""Scale-out runs on real databases: SQLite in a temp dir always, PostgreSQL when
AIOS_TEST_POSTGRES_URL names a server (each test in a schema of its own, dropped afterwards)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from aios.demo import seed_demo
from aios.settings import Settings
from tests.settings import checkout_settings


def postgres_schema_url() -> Iterator[str]:
    """A URL on a fresh schema of the test server; skips without one."""
    base_url = os.environ.get("AIOS_TEST_POSTGRES_URL")
    if not base_url:
        pytest.skip("PostgreSQL backend: set AIOS_TEST_POSTGRES_URL to run it")
    schema = f"scaleout_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base_url)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = make_url(base_url).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def pg_url() -> Iterator[str]:
    yield from postgres_schema_url()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """One database URL per backend; SQLite's is a file in the test's temp dir."""
    if request.param == "postgres":
        yield from postgres_schema_url()
    else:
        yield f"sqlite:///{tmp_path / 'aios.db'}"


@pytest.fixture
def pg_settings(pg_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """The demo company with every database (state, CRM, ERP, checkpoints) on one fresh
    PostgreSQL schema: what N workers share."""
    for name in ("STATE", "CRM", "ERP"):
        monkeypatch.setenv(f"AIOS_{name}_URL", pg_url)
    monkeypatch.setenv("AIOS_DATA_DIR", str(tmp_path / "data"))
    settings = checkout_settings(
        tmp_path / "data", state_url=pg_url, crm_url=pg_url, erp_url=pg_url
    )
    seed_demo(settings)
    return settings
