"""The demo dataset on PostgreSQL (set AIOS_TEST_POSTGRES_URL): same rows, and new rows after it.

The dataset sets the ids of notes, order lines and outbox messages itself; PostgreSQL's
sequences must be moved past them, or the next note would collide with note 1.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, make_url, text

from aios.db import make_engine
from connectors.demo import seed
from connectors.demo._planted import BLUE_HARBOR
from connectors.system import System
from connectors.systems import SYSTEMS, build_system

from .conftest import NOW, TODAY, close, dump

pytestmark = pytest.mark.postgres


@pytest.fixture
def pg_systems() -> Iterator[dict[str, System]]:
    base_url = os.environ.get("AIOS_TEST_POSTGRES_URL")
    if not base_url:
        pytest.skip("PostgreSQL backend: set AIOS_TEST_POSTGRES_URL to run it")
    schema = f"demo_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base_url)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = make_url(base_url).update_query_dict({"options": f"-csearch_path={schema}"})
    engine = make_engine(url.render_as_string(hide_password=False))
    systems = {name: build_system(name, engine, clock=lambda: NOW) for name in SYSTEMS}
    try:
        yield systems
    finally:
        close(systems)
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def test_postgres_gets_the_same_rows_as_ever_and_takes_new_ones(
    pg_systems: dict[str, System],
) -> None:
    seed(pg_systems, seed=42, today=TODAY)
    first = dump(pg_systems)
    seed(pg_systems, seed=42, today=TODAY, force=True)

    assert dump(pg_systems) == first
    note = pg_systems["crm"].execute(
        "add_note", {"account_id": BLUE_HARBOR, "author": "alice", "body": "Called."}, "n-1"
    )
    assert note.id == len(first["notes"]) + 1  # type: ignore[attr-defined]
