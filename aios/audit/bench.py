"""How fast the audit trail appends and verifies, on a throw-away SQLite trail."""

from __future__ import annotations

import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from aios.audit.head import FileHeadStore
from aios.audit.models import AuditEvent
from aios.audit.trail import AuditTrail
from aios.db import make_engine

_EVENT = AuditEvent(
    kind="tool.requested",
    actor="alice",
    on_behalf_of="ACC-1001",
    session_id="bench",
    step="act",
    tool="erp.create_refund",
    arguments={"order_id": "SO-1042", "amount_cents": 12_000, "reason": "arrived damaged"},
    policy_decision="CONFIRM",
    policy_version="2026-11",
)


def bench_audit(
    rows: int = 100_000, appends: int = 1_000, threads: int = 4, directory: Path | None = None
) -> dict[str, float]:
    """Appends/s from one thread and from ``threads`` threads (one durable transaction and head
    write each), then verify's rows/s over a ``rows``-row chain. Files go to ``directory`` or to
    a temporary directory removed afterwards."""
    with tempfile.TemporaryDirectory(dir=directory) as tmp:
        base = Path(tmp)
        trail = AuditTrail(
            make_engine(f"sqlite:///{base / 'audit.db'}"), FileHeadStore(base / "audit.head")
        )
        trail.create_tables()

        start = time.perf_counter()
        for _ in range(appends):
            trail.append(_EVENT)
        single = appends / (time.perf_counter() - start)

        per_thread = max(1, appends // threads)

        def append_some() -> None:
            for _ in range(per_thread):
                trail.append(_EVENT)

        start = time.perf_counter()
        with ThreadPoolExecutor(threads) as pool:
            for future in [pool.submit(append_some) for _ in range(threads)]:
                future.result()
        threaded = per_thread * threads / (time.perf_counter() - start)

        written = appends + per_thread * threads
        while written < rows:  # filled in bulk: only verify's speed is measured on these
            batch = min(1_000, rows - written)
            trail.append_many([_EVENT] * batch)
            written += batch

        start = time.perf_counter()
        report = trail.verify()
        verify_s = time.perf_counter() - start
        if not report.ok:
            raise RuntimeError(f"benchmark chain failed to verify: {report.reason}")
        trail.engine.dispose()
    return {
        "append_per_s": round(single, 1),
        "append_per_s_threaded": round(threaded, 1),
        "threads": threads,
        "verify_rows": report.rows_checked,
        "verify_rows_per_s": round(report.rows_checked / verify_s),
    }
