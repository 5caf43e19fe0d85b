"""Twenty clients at once, ten turns each, against a real server on loopback: every turn
completes and every transcript holds exactly what its own client said. And ``aios bench api``
on real worker processes, in miniature."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from aios.api import load
from aios.api.app import create_app
from aios.api.bench import OPERATORS, Backend, run_api_bench
from aios.api.load import run_load
from aios.api.store import open_api_store
from aios.loopback import free_port, serve
from tests.settings import checkout_settings


def test_twenty_concurrent_sessions_neither_fail_nor_leak(runtime, demo_settings):
    keys = [runtime.users.add_key(name, "load")[1] for name in OPERATORS]
    with serve(create_app(runtime, open_api_store(demo_settings))) as url:
        run = asyncio.run(run_load(url, keys, clients=20, turns=10))
    assert run.errors == []
    assert run.leaks == []
    assert run.turns == 200
    sessions = open_api_store(demo_settings).sessions
    assert sum(len(sessions(name)) for name in OPERATORS) == 20


@pytest.mark.slow
def test_api_bench_measures_sqlite_and_says_why_it_skipped_the_rest(tmp_path: Path) -> None:
    nowhere = f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/postgres"
    bench = run_api_bench(
        checkout_settings(tmp_path / "unused"),
        backends=list(Backend),
        workers=[1, 2],
        levels=[1, 3],
        turns=2,
        postgres_url=nowhere,
    )
    [cell] = bench.cells
    assert (cell.backend, cell.workers) == (Backend.SQLITE, 1)
    assert [(r.clients, r.turns, r.errors, r.leaks) for r in cell.levels] == [
        (1, 2, [], []),
        (3, 6, [], []),
    ]
    assert 0 < cell.memory.idle_mib <= cell.memory.under_load_mib
    assert all(r.database_cores == 0 for r in cell.levels)  # SQLite runs inside the worker
    reasons = {(s.backend, s.workers): s.reason for s in bench.skipped}
    assert "PostgreSQL" in reasons[Backend.SQLITE, 2]
    assert "unreachable" in reasons[Backend.POSTGRESQL, 1]
    assert "unreachable" in reasons[Backend.POSTGRESQL, 2]
    assert bench.scaling == []
    assert bench.cpus >= 1
    assert not (tmp_path / "unused").exists()  # every configuration ran on scratch data


def test_think_time_spreads_first_turns_and_pauses_about_its_mean(monkeypatch) -> None:
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)

    monkeypatch.setattr(load.asyncio, "sleep", sleep)

    async def pauses(think: load._Think, n: int) -> None:
        for _ in range(n):
            await think.pause()

    asyncio.run(pauses(load._Think(2.0, seed=7), 2001))
    first, rest = slept[0], slept[1:]
    assert 0 <= first <= 2.0
    assert 1.8 < sum(rest) / len(rest) < 2.2
    assert max(rest) > 4.0  # a long read now and then, as with real operators

    again: list[float] = slept[:]
    slept.clear()
    asyncio.run(pauses(load._Think(2.0, seed=7), 2001))
    assert slept == again  # seeded: a re-run pauses the same way
    slept.clear()
    asyncio.run(pauses(load._Think(0.0, seed=7), 5))
    assert slept == []
