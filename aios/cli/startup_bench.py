"""``aios bench startup``: how long commands take to answer, next to a bare interpreter.

Each command runs as its own process, as an operator runs it, on a throw-away copy of the demo
data; ``python -c pass`` runs in the same rounds, so a busy machine slows both alike and the
ratio stays comparable between runs. Peak memory is each child's own (``wait4``), not the
largest of all children.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass

from pydantic import BaseModel

from aios.demo import scratch_demo
from aios.settings import Settings

FLOOR = "python -c pass"
COMMANDS: dict[str, list[str]] = {
    "aios --help": ["--help"],
    "aios approvals list": ["approvals", "list"],
    "aios audit verify": ["audit", "verify"],
    "aios policy check": ["policy", "check", "--user", "alice", "--tool", "crm.add_note"],
}
# Starts ``argv`` and prints its seconds and peak RSS (KiB). Linux counts in a child's peak the
# memory of the process it was forked from, so the bench (which has seeded the demo) cannot
# start the commands itself: this small launcher, about as big as ``python -c pass``, does.
_LAUNCHER = """
import os, sys, time
started = time.perf_counter()
quiet = [(os.POSIX_SPAWN_OPEN, 1, os.devnull, os.O_WRONLY, 0)]  # what it prints is not ours
pid = os.posix_spawn(sys.argv[1], sys.argv[1:], os.environ, file_actions=quiet)
_, status, usage = os.wait4(pid, 0)
elapsed = time.perf_counter() - started
if os.waitstatus_to_exitcode(status):
    sys.exit(os.waitstatus_to_exitcode(status))
print(elapsed, usage.ru_maxrss)
"""
# Settings that would point a child at real databases instead of the scratch copy.
_REAL_DATA = ("AIOS_STATE_URL", "AIOS_CRM_URL", "AIOS_ERP_URL", "AIOS_CHECKPOINT_URL")


class Startup(BaseModel):
    command: str
    median_s: float
    ratio: float
    """Median over the floor's median in the same run."""
    peak_rss_mib: float


class StartupBench(BaseModel):
    runs: int
    floor_s: float
    floor_rss_mib: float
    commands: list[Startup]


@dataclass
class _Run:
    seconds: float
    peak_rss_mib: float


def run_startup_bench(settings: Settings, runs: int = 5) -> StartupBench:
    """The median of ``runs`` starts of each command and of the floor, round by round."""
    with scratch_demo(settings) as demo:
        env = {k: v for k, v in os.environ.items() if k not in _REAL_DATA}
        env["AIOS_DATA_DIR"] = str(demo.data_dir)
        argvs = {FLOOR: [sys.executable, "-c", "pass"]} | {
            name: [sys.executable, "-m", "aios.cli", *args] for name, args in COMMANDS.items()
        }
        timed: dict[str, list[_Run]] = {name: [] for name in argvs}
        for _ in range(runs):
            for name, argv in argvs.items():
                timed[name].append(_start(argv, env))
    floor = _median(timed.pop(FLOOR))
    return StartupBench(
        runs=runs,
        floor_s=round(floor.seconds, 3),
        floor_rss_mib=floor.peak_rss_mib,
        commands=[
            Startup(
                command=name,
                median_s=round(m.seconds, 3),
                ratio=round(m.seconds / floor.seconds, 1),
                peak_rss_mib=m.peak_rss_mib,
            )
            for name, m in ((name, _median(found)) for name, found in timed.items())
        ],
    )


def _start(argv: list[str], env: dict[str, str]) -> _Run:
    done = subprocess.run(
        [sys.executable, "-c", _LAUNCHER, *argv], env=env, capture_output=True, text=True
    )
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} exited {done.returncode}: {done.stderr[-500:]}")
    seconds, max_rss_kib = done.stdout.split()
    return _Run(float(seconds), round(int(max_rss_kib) / 1024, 1))


def _median(found: Sequence[_Run]) -> _Run:
    return _Run(
        statistics.median(r.seconds for r in found),
        statistics.median(r.peak_rss_mib for r in found),
    )
