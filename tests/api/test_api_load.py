"""Twenty clients at once, ten turns each, against a real server on loopback: every turn
completes and every transcript holds exactly what its own client said."""

from __future__ import annotations

import asyncio

from aios.api.app import create_app
from aios.api.bench import OPERATORS
from aios.api.load import run_load
from aios.api.store import open_api_store
from aios.loopback import serve


def test_twenty_concurrent_sessions_neither_fail_nor_leak(runtime, demo_settings):
    keys = [runtime.users.add_key(name, "load")[1] for name in OPERATORS]
    with serve(create_app(runtime, open_api_store(demo_settings))) as url:
        run = asyncio.run(run_load(url, keys, clients=20, turns=10))
    assert run.errors == []
    assert run.leaks == []
    assert run.turns == 200
    sessions = open_api_store(demo_settings).sessions
    assert sum(len(sessions(name)) for name in OPERATORS) == 20
