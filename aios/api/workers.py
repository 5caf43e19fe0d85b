"""N server processes on one port, each listening on a socket of its own (``SO_REUSEPORT``).

uvicorn's own ``--workers`` shares one listening socket: whichever worker wakes first accepts
every connection waiting, and keep-alive keeps them there, so a burst of clients can all land
on one worker while the other idles (``aios bench api`` measured 2 workers at 1.05x one worker
with 10 clients). With a socket per worker the kernel spreads new connections over the workers
by their addresses instead.

A port shared this way would also take in a second aios server started on it by mistake, so
the supervisor holds a lock named after the port for as long as it runs.
"""

from __future__ import annotations

import fcntl
import logging
import multiprocessing
import os
import signal
import socket
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from multiprocessing.process import BaseProcess
from multiprocessing.synchronize import Event as EventType
from pathlib import Path
from types import FrameType
from typing import Any

import uvicorn

from aios.api.metrics import SHARED_DIR

_log = logging.getLogger("aios.workers")

BACKLOG = 2048
"""Connections each worker's socket queues before it accepts them (uvicorn's default)."""
STOP_WAIT_S = 30.0
"""How long workers get to finish their requests after a stop, before they are killed."""
RESTART_PAUSE_S = 1.0
"""Pause before a worker that died is started again, so a crash loop does not spin."""
START_ATTEMPTS = 3
"""Starts in a row that may end before the worker serves, before the server gives up."""


class PortTaken(RuntimeError):
    """The port is taken: by another aios server, or by another program."""


@dataclass(frozen=True)
class ServerSpec:
    app: str
    """The ASGI app factory, as ``module:function``."""
    host: str
    port: int
    log_config: dict[str, Any]


def run_servers(spec: ServerSpec, workers: int) -> None:
    """Serve ``spec.app`` with ``workers`` processes until interrupted."""
    if workers == 1:
        uvicorn.run(spec.app, factory=True, host=spec.host, port=spec.port, **_options(spec))
        return
    _Supervisor(spec, workers).run()


def listening_socket(host: str, port: int) -> socket.socket:
    """A TCP socket listening on (host, port) that other such sockets may share."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        sock.bind((host, port))
        sock.listen(BACKLOG)
    except OSError:
        sock.close()
        raise
    return sock


def _options(spec: ServerSpec) -> dict[str, Any]:
    return {"log_level": "info", "log_config": spec.log_config}


class _Server(uvicorn.Server):
    """A uvicorn server that tells the supervisor once it has started."""

    def __init__(self, config: uvicorn.Config, ready: EventType) -> None:
        super().__init__(config)
        self._ready = ready

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets)
        if self.started:
            self._ready.set()


def _serve(spec: ServerSpec, ready: EventType) -> None:
    """One worker process: its own socket, its own app (built by the factory, here)."""
    sock = listening_socket(spec.host, spec.port)
    config = uvicorn.Config(spec.app, factory=True, **_options(spec))
    _Server(config, ready).run(sockets=[sock])


class WorkerFailed(RuntimeError):
    """A worker kept exiting before it ever started serving: starting it again would not help."""


class _Supervisor:
    def __init__(self, spec: ServerSpec, workers: int) -> None:
        self.spec, self.workers = spec, workers
        self._spawn = multiprocessing.get_context("spawn")
        self._stopping = False

    def run(self) -> None:
        with ExitStack() as stack:
            stack.enter_context(_port_lock(self.spec.port))
            # Bound once here first, so a port another program holds fails now, in one clear
            # error, rather than in every worker; closed before any worker binds its own.
            try:
                listening_socket(self.spec.host, self.spec.port).close()
            except OSError as exc:
                where = f"{self.spec.host}:{self.spec.port}"
                raise PortTaken(f"cannot listen on {where}: {exc.strerror}") from exc
            # Spawned workers read the environment as it is when they start.
            os.environ[SHARED_DIR] = stack.enter_context(
                tempfile.TemporaryDirectory(prefix="aios-metrics-")
            )
            for name in ("SIGINT", "SIGTERM"):
                signal.signal(getattr(signal, name), self._stop)
            workers = [self._start(i) for i in range(self.workers)]
            try:
                self._watch(workers)
            finally:
                self._finish([process for process, _ in workers])

    def _watch(self, workers: list[tuple[BaseProcess, EventType]]) -> None:
        """Start a worker that died again. One that keeps dying before it ever serves (a
        setting or a database that is wrong) stops every worker, and the server exits; a
        first such death is retried, since workers starting together can trip over each
        other's first-time setup."""
        failed_starts = [0] * len(workers)
        while not self._stopping:
            for i, (process, ready) in enumerate(workers):
                if process.is_alive() or self._stopping:
                    continue
                failed_starts[i] = 0 if ready.is_set() else failed_starts[i] + 1
                if failed_starts[i] >= START_ATTEMPTS:
                    raise WorkerFailed(
                        f"worker {i} exited ({process.exitcode}) before it started serving, "
                        f"{START_ATTEMPTS} times; its log above says why"
                    )
                _log.warning("worker %s exited (%s); starting it again", i, process.exitcode)
                time.sleep(RESTART_PAUSE_S)
                workers[i] = self._start(i)
            time.sleep(0.5)

    def _start(self, index: int) -> tuple[BaseProcess, EventType]:
        ready = self._spawn.Event()
        process = self._spawn.Process(
            target=_serve, args=(self.spec, ready), name=f"aios-worker-{index}"
        )
        process.start()
        return process, ready

    def _stop(self, signum: int, _frame: FrameType | None) -> None:
        self._stopping = True

    @staticmethod
    def _finish(processes: list[BaseProcess]) -> None:
        for process in processes:
            process.terminate()  # SIGTERM: uvicorn finishes the requests in flight
        deadline = time.monotonic() + STOP_WAIT_S
        for process in processes:
            process.join(max(0.0, deadline - time.monotonic()))
            if process.is_alive():
                process.kill()
                process.join()


@contextmanager
def _port_lock(port: int) -> Iterator[None]:
    """An exclusive lock named after the port, held while the supervisor runs."""
    path = Path(tempfile.gettempdir()) / f"aios-port-{port}.lock"
    with path.open("a") as held:
        try:
            fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)  # released when the file closes
        except BlockingIOError:
            raise PortTaken(f"another aios server is already serving port {port}") from None
        yield
