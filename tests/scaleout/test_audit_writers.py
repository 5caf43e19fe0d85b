"""Several workers append to one audit trail at once: one chain, no gaps, intact.

The trail serialises appends (one chain, not one per stream): PostgreSQL by a transaction
advisory lock, SQLite by its write lock (every transaction begins IMMEDIATE). Each append reads
the newest row and inserts after it inside that turn, so seq stays gapless whoever writes."""

from __future__ import annotations

import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from aios.audit import AuditTrail, FileHeadStore
from aios.db import make_engine
from tests.audit.conftest import event

REPO = Path(__file__).resolve().parents[2]
WORKERS, APPENDS = 3, 60


def _writers(url: str, head: Path, go: Path) -> list[subprocess.Popen[bytes]]:
    command = [sys.executable, "-m", "tests.audit._writer", url, str(head)]
    return [
        subprocess.Popen([*command, f"w-{n}", str(APPENDS), str(go)], cwd=REPO)
        for n in range(WORKERS)
    ]


@pytest.mark.slow
def test_worker_processes_with_threads_build_one_gapless_chain(db_url: str, tmp_path: Path) -> None:
    head = tmp_path / "audit.head"
    trail = AuditTrail(make_engine(db_url), FileHeadStore(head))
    trail.create_tables()  # the migrated state database, as every worker opens it
    go = tmp_path / "go"
    writers = _writers(db_url, head, go)
    deadline = time.monotonic() + 180  # imports are slow on a loaded 2-core machine
    while not all(Path(f"{go}.w-{n}").exists() for n in range(WORKERS)):
        assert time.monotonic() < deadline, "writers did not start"
        time.sleep(0.01)
    go.touch()
    # This process writes too, from threads, in batches: rows held together stay together.
    with ThreadPoolExecutor(2) as pool:
        batches = [
            pool.submit(trail.append_many, [event(i, session_id=f"t-{t}") for i in range(5)])
            for t in range(2)
            for _ in range(6)
        ]
        for batch in batches:
            batch.result()
    assert [w.wait(timeout=120) for w in writers] == [0] * WORKERS

    total = WORKERS * APPENDS + 2 * 6 * 5
    report = trail.verify()
    assert report.ok, report.reason
    assert report.rows_checked == total and report.rows_after_head == 0
    records = list(trail.records())
    assert [r.seq for r in records] == list(range(1, total + 1))
    for n in range(WORKERS):
        assert sum(r.session_id == f"w-{n}" for r in records) == APPENDS
    trail.engine.dispose()
