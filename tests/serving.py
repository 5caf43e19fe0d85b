"""A server the tests start in a process of its own, served until the block ends."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from aios.loopback import stop


@contextmanager
def serving(
    argv: list[str],
    log: Path,
    ready_url: str,
    *,
    name: str,
    startup_s: float,
    cwd: Path | None = None,
    env: Mapping[str, str] | None = None,
) -> Iterator[subprocess.Popen[bytes]]:
    """``argv`` running (its output in ``log``) from when ``ready_url`` answers with a success
    until the block ends; the test fails with the log if it exits or does not answer in time."""
    with log.open("wb") as out:
        server = subprocess.Popen(argv, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        _wait_until_serving(ready_url, server, log, name, startup_s)
        yield server
    finally:
        stop(server, 20)


def _wait_until_serving(
    url: str, server: subprocess.Popen[bytes], log: Path, name: str, startup_s: float
) -> None:
    deadline = time.monotonic() + startup_s
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"{name} exited with {server.returncode}:\n{log.read_text()}")
        try:
            if httpx.get(url, timeout=2).is_success:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    pytest.fail(f"{name} did not start within {startup_s} s:\n{log.read_text()}")
