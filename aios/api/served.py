"""Real ``aios api`` / ``aios serve`` processes on a loopback port, each with its uvicorn
workers: what ``aios bench api`` measures and the scale-out tests talk to.

Readiness is read from the server's log: ``/v1/health`` answers as soon as the first of N
workers is up, while the others may still be loading the embedding model.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from aios.loopback import free_port, stop

# uvicorn logs this once per worker, when its app has been built and its lifespan started.
_READY = "Application startup complete"
# Worker processes are started by multiprocessing's spawn; its resource tracker is not one.
_WORKER_MARK = b"spawn_main"
_TICKS = os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class Served:
    url: str
    pid: int
    workers: int
    log: Path

    def worker_pids(self) -> list[int]:
        """The processes that take requests: the server itself when it runs one worker."""
        if self.workers == 1:
            return [self.pid]
        return sorted(p for p in _children(self.pid) if _WORKER_MARK in _cmdline(p))


@contextmanager
def served(
    command: str,
    *,
    workers: int,
    env: Mapping[str, str],
    log: Path,
    cwd: Path | None = None,
    timeout_s: float = 300,
) -> Iterator[Served]:
    """``aios <command> --workers N`` on a free loopback port until the block ends."""
    port = free_port()
    argv = [sys.executable, "-m", "aios.cli", command, "--port", str(port)]
    with log.open("wb") as sink:
        process = subprocess.Popen(
            [*argv, "--workers", str(workers)],
            cwd=cwd,
            env={**env, "AIOS_LOG_LEVEL": "INFO"},  # the readiness line is an INFO one
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
        server = Served(f"http://127.0.0.1:{port}", process.pid, workers, log)
        try:
            _wait_ready(server, process, timeout_s)
            yield server
        finally:
            stop(process, 30)


def _wait_ready(server: Served, process: subprocess.Popen[bytes], timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while server.log.read_bytes().count(_READY.encode()) < server.workers:
        if process.poll() is not None or time.monotonic() > deadline:
            tail = server.log.read_text(errors="replace")[-2000:]
            state = "exited" if process.poll() is not None else "did not start in time"
            raise RuntimeError(f"aios server on {server.url} {state}:\n{tail}")
        time.sleep(0.3)
    httpx.get(f"{server.url}/v1/health", timeout=10).raise_for_status()


def rss_bytes(pid: int) -> int:
    """Resident memory of ``pid`` (VmRSS), 0 once it has gone."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    for line in status.splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return 0


def _children(pid: int) -> Iterator[int]:
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            # The command name in parentheses may hold spaces: the parent follows the last ')'.
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[1]) == pid:
            yield int(stat.parent.name)


def _cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


def cpu_seconds(pid: int) -> float:
    """User and system CPU time ``pid`` has used so far (its threads included), 0 once gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return 0.0
    fields = stat.rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / _TICKS
