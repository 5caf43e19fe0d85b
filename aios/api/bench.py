"""``aios bench api``: turns per second and latency with 1, 10, 20… clients at once, each in
its own session, against the real API on loopback, on a throwaway copy of the demo data."""

from __future__ import annotations

import asyncio
import tempfile
from collections.abc import Sequence
from pathlib import Path

from pydantic import BaseModel

from aios.api.app import create_app
from aios.api.load import LoadRun, run_load
from aios.api.store import open_api_store
from aios.assistant.factory import build_runtime
from aios.demo import seed_demo
from aios.knowledge.embedder import Embedder
from aios.loopback import serve
from aios.settings import Settings

# One key per demo operator who does customer work, so sessions span users and roles.
OPERATORS = ("alice", "bob", "carol", "dave", "erin")


class ApiBench(BaseModel):
    turns_per_client: int
    levels: list[LoadRun]
    goal_p95_ms_at_20: float = 150.0


def run_api_bench(
    settings: Settings, embedder: Embedder, *, levels: Sequence[int], turns: int
) -> ApiBench:
    with tempfile.TemporaryDirectory(prefix="aios-bench-api-") as tmp:
        bench_settings = settings.model_copy(
            update={"data_dir": Path(tmp), "state_url": None, "crm_url": None, "erp_url": None}
        )
        seed_demo(bench_settings)
        runtime = build_runtime(bench_settings, embedder=embedder)
        # The benchmark measures turns, not the per-key rate limit.
        keys = [
            runtime.users.add_key(n, "bench", rate_limit="1000000/minute")[1] for n in OPERATORS
        ]
        with serve(create_app(runtime, open_api_store(bench_settings))) as url:
            asyncio.run(run_load(url, keys, clients=1, turns=2))  # warm caches and indexes
            runs = [asyncio.run(run_load(url, keys, clients=n, turns=turns)) for n in levels]
        return ApiBench(turns_per_client=turns, levels=runs)
