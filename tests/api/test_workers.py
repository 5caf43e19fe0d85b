"""Worker sockets: each worker listens on its own socket of one port, and the kernel spreads
connections over them; a second server on a port in use is refused in one clear error."""

from __future__ import annotations

import os
import selectors
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from aios.api.workers import PortTaken, ServerSpec, _port_lock, _Supervisor, listening_socket
from aios.loopback import free_port


def test_connections_spread_over_the_sockets_of_one_port() -> None:
    port = free_port()
    listeners = [listening_socket("127.0.0.1", port) for _ in range(2)]
    accepted = [0, 0]
    clients = []
    # Not select.select: late in a long run the descriptors may be above 1023.
    waiting = selectors.DefaultSelector()
    for index, sock in enumerate(listeners):
        waiting.register(sock, selectors.EVENT_READ, index)
    try:
        for _ in range(64):
            clients.append(socket.create_connection(("127.0.0.1", port)))
            for key, _ in waiting.select(5):
                conn, _ = listeners[key.data].accept()
                conn.close()
                accepted[key.data] += 1
    finally:
        waiting.close()
        for sock in [*clients, *listeners]:
            sock.close()
    assert sum(accepted) == 64
    assert min(accepted) > 0  # all on one of them has odds of 2**-63 with the kernel's hash


def test_a_port_held_by_another_program_is_refused_before_any_worker_starts() -> None:
    with socket.socket() as plain:
        plain.bind(("127.0.0.1", 0))
        plain.listen()
        port = plain.getsockname()[1]
        supervisor = _Supervisor(ServerSpec("aios.api.asgi:api_app", "127.0.0.1", port, {}), 2)
        with pytest.raises(PortTaken, match=f"cannot listen on 127.0.0.1:{port}"):
            supervisor.run()


def test_a_second_aios_server_on_the_port_is_refused() -> None:
    port = free_port()
    refused = pytest.raises(PortTaken, match=f"already serving port {port}")
    with _port_lock(port), refused, _port_lock(port):
        pass
    with _port_lock(port):  # released when the first server stopped
        pass


@pytest.mark.slow
def test_workers_that_cannot_start_stop_the_server_with_the_reason(tmp_path) -> None:
    env = {
        **os.environ,
        "AIOS_DATA_DIR": str(tmp_path / "data"),
        "AIOS_POLICY_FILE": str(tmp_path / "missing.yaml"),
        # Not SQLite, or the server refuses several workers before starting any; nothing
        # listens there, and the missing policy file stops each worker first anyway.
        "AIOS_STATE_URL": f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/none",
    }
    ran = _two_workers(env, tmp_path)
    assert ran.returncode == 1
    assert "before it started serving" in ran.stderr
    assert "missing.yaml" in ran.stderr  # the worker's own error, above


def test_several_workers_on_sqlite_state_are_refused_with_what_to_set(tmp_path) -> None:
    env = {**os.environ, "AIOS_DATA_DIR": str(tmp_path / "data")}
    env.pop("AIOS_STATE_URL", None)
    ran = _two_workers(env, tmp_path)
    assert ran.returncode == 2
    assert "several workers need the state on PostgreSQL" in ran.stderr
    assert "AIOS_STATE_URL" in ran.stderr


def _two_workers(env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """``aios api --workers 2`` on a free port, run until it exits by itself."""
    command = [sys.executable, "-m", "aios.cli", "api", "--port", str(free_port())]
    return subprocess.run(
        [*command, "--workers", "2"], env=env, cwd=cwd, capture_output=True, text=True, timeout=300
    )
