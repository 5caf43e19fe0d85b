"""``aios bench turn``: how long a turn takes, next to the floor measured in the same run.

The floor is the work a turn cannot avoid: one query embedding, one vector query and the
connector calls its plan makes, done directly. The turn is the whole thing: planning,
policy, audit rows, checkpoints and events. Everything runs on a throwaway copy of the demo
data, so the benchmark never writes to the operator's systems.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from aios.assistant.factory import build_runtime
from aios.identity import demo_users
from aios.knowledge.embedder import Embedder
from aios.knowledge.index import KnowledgeIndex
from aios.settings import Settings
from aios.wiring import open_connectors, open_systems
from connectors.demo.seeding import seed

LOOKUP = "give me an overview of Blue Harbor Logistics"
LOOKUP_CALLS: list[tuple[str, dict[str, Any]]] = [
    ("crm.find_accounts", {"limit": 200}),
    ("crm.get_account", {"account_id": "ACC-1004"}),
    ("erp.get_customer", {"account_id": "ACC-1004"}),
    ("erp.find_invoices", {"account_id": "ACC-1004", "unpaid": True}),
]
WRITE = "refund $1 on SO-1042"
WRITE_CALLS: list[tuple[str, dict[str, Any]]] = [
    ("erp.get_order", {"order_id": "SO-1042"}),
    ("crm.get_account", {"account_id": "ACC-1004"}),
    ("erp.find_invoices", {"account_id": "ACC-1004", "limit": 200}),
]


class Latency(BaseModel):
    p50_ms: float
    p95_ms: float


class TurnFigures(BaseModel):
    turn: Latency
    floor: Latency
    ratio_p50: float


class TurnBench(BaseModel):
    runs: int
    lookup: TurnFigures
    write: TurnFigures
    goal_ratio_p50: float = 3.0


def _latency(samples: list[float]) -> Latency:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return Latency(p50_ms=round(statistics.median(ordered) * 1000, 2), p95_ms=round(p95 * 1000, 2))


def _timed(action: Callable[[], object], runs: int) -> list[float]:
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        samples.append(time.perf_counter() - started)
    return samples


def _figures(turn: list[float], floor: list[float]) -> TurnFigures:
    t, f = _latency(turn), _latency(floor)
    return TurnFigures(turn=t, floor=f, ratio_p50=round(t.p50_ms / max(f.p50_ms, 1e-6), 2))


def run_turn_bench(settings: Settings, embedder: Embedder, *, runs: int = 30) -> TurnBench:
    with tempfile.TemporaryDirectory(prefix="aios-bench-") as tmp:
        bench_settings = settings.model_copy(
            update={"data_dir": Path(tmp), "state_url": None, "crm_url": None, "erp_url": None}
        )
        seed(open_systems(bench_settings), today=datetime.now(UTC).date())
        index = KnowledgeIndex(bench_settings.data_dir, embedder)
        index.ingest([settings.knowledge_dir / "finance"], settings.knowledge_dir)
        runtime = build_runtime(bench_settings, embedder=embedder)
        connectors = open_connectors(bench_settings)
        alice = demo_users()["alice"]

        def floor(text: str, calls: list[tuple[str, dict[str, Any]]], write: bool) -> None:
            index.dense.query(embedder.encode_one(text), 5)
            for tool, args in calls:
                connectors.call(tool, args)
            if write:
                key = f"bench-{time.perf_counter_ns()}"
                args = {"invoice_id": "INV-2038", "amount": "0.01", "reason": "bench"}
                connectors.call("erp.create_refund", args, key)

        counter = iter(range(10**9))

        def lookup_turn() -> None:
            list(runtime.assistant.handle(f"bench-l{next(counter)}", alice, LOOKUP))

        def write_turn() -> None:
            session = f"bench-w{next(counter)}"
            list(runtime.assistant.handle(session, alice, WRITE.replace("$1", "$0.01")))
            list(runtime.assistant.handle(session, alice, "yes"))

        lookup_turn()  # warm caches and lazily built indexes
        write_turn()
        result = TurnBench(
            runs=runs,
            lookup=_figures(
                _timed(lookup_turn, runs), _timed(lambda: floor(LOOKUP, LOOKUP_CALLS, False), runs)
            ),
            write=_figures(
                _timed(write_turn, runs), _timed(lambda: floor(WRITE, WRITE_CALLS, True), runs)
            ),
        )
        index.close()
        connectors.close()
        return result
