"""Concurrent writers, in threads and in processes, still build one linear, gapless chain."""

from __future__ import annotations

import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from itertools import pairwise
from pathlib import Path

import pytest

from aios.audit import AuditTrail
from tests.audit.conftest import Backend, event

REPO = Path(__file__).resolve().parents[2]


def _assert_linear(trail: AuditTrail, total: int, sessions: dict[str, int]) -> None:
    report = trail.verify()
    assert report.ok, report.reason
    assert report.rows_checked == total
    assert report.head is not None and report.head.seq == total
    seqs = [r.seq for r in trail.records()]
    assert seqs == list(range(1, total + 1))
    for session, count in sessions.items():
        assert len(list(trail.records(session_id=session))) == count


def test_four_threads_appending_at_once(backend: Backend) -> None:
    trail = backend.trail()

    def write(thread: int) -> None:
        for i in range(50):
            trail.append(event(i, session_id=f"t-{thread}"))
        trail.append_many([event(i, session_id=f"t-{thread}") for i in range(10)])

    with ThreadPoolExecutor(4) as pool:
        list(pool.map(write, range(4)))

    _assert_linear(trail, 240, {f"t-{n}": 60 for n in range(4)})


@pytest.mark.slow
def test_two_processes_appending_at_once(backend: Backend, tmp_path: Path) -> None:
    trail = backend.trail()  # creates the table before the writers start
    go = tmp_path / "go"
    writers = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.audit._writer",
                backend.url,
                str(backend.head_path),
                f"p-{n}",
                "150",
                str(go),
            ],
            cwd=REPO,
        )
        for n in range(2)
    ]
    deadline = time.monotonic() + 60
    while not all(Path(f"{go}.p-{n}").exists() for n in range(2)):
        assert time.monotonic() < deadline, "writers did not start"
        time.sleep(0.01)
    go.touch()
    assert [w.wait(timeout=120) for w in writers] == [0, 0]

    _assert_linear(trail, 300, {"p-0": 150, "p-1": 150})
    sessions = [r.session_id for r in trail.records()]
    switches = sum(a != b for a, b in pairwise(sessions))
    assert switches > 1, "the two writers never interleaved"
