"""``aios bench api`` on PostgreSQL, in miniature: one worker and two, each configuration on a
scratch database of its own that is gone afterwards, and the ratio of the two."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from aios.api.bench import Backend, run_api_bench
from tests.settings import checkout_settings

pytestmark = [pytest.mark.postgres, pytest.mark.slow]


def _databases(url: str) -> set[str]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return set(conn.scalars(text("SELECT datname FROM pg_database")))
    finally:
        engine.dispose()


def test_one_and_two_workers_on_scratch_databases(tmp_path: Path) -> None:
    url = os.environ.get("AIOS_TEST_POSTGRES_URL")
    if not url:
        pytest.skip("PostgreSQL backend: set AIOS_TEST_POSTGRES_URL to run it")
    before = _databases(url)
    bench = run_api_bench(
        checkout_settings(tmp_path / "unused"),
        backends=[Backend.POSTGRESQL],
        workers=[1, 2],
        levels=[4],
        turns=2,
        postgres_url=url,
    )
    assert [(c.workers, c.levels[0].turns, c.levels[0].errors) for c in bench.cells] == [
        (1, 8, []),
        (2, 8, []),
    ]
    [scaling] = bench.scaling
    assert (scaling.backend, scaling.clients, scaling.workers) == (Backend.POSTGRESQL, 4, 2)
    assert scaling.ratio == pytest.approx(
        scaling.turns_per_s / scaling.one_worker_turns_per_s, abs=0.01
    )
    one, two = (c.levels[0] for c in bench.cells)
    assert one.database_cores > 0 and two.database_cores > 0  # the server's share of the cores
    per_core = (two.turns_per_s / two.worker_cores) / (one.turns_per_s / one.worker_cores)
    assert scaling.per_core_ratio == pytest.approx(per_core, abs=0.01)
    assert bench.skipped == []
    left = {name for name in _databases(url) - before if name.startswith("aios_bench_")}
    assert left == set()
