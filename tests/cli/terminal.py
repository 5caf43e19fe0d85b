"""A command run on a pseudo-terminal, read as the person at that terminal reads it."""

from __future__ import annotations

import os
import pty
import re
import selectors
import signal
import subprocess
import sys
import time

from tests.settings import REPO

_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def on_terminal(*args: str, until: str | None = None, timeout: float = 180, **env: str) -> str:
    """What ``aios ARGS`` prints on a terminal (stdout and stderr both), colours removed: all of
    it once it exits, or, with ``until``, up to a line holding that text, then it is stopped
    with Ctrl-C (and what it prints then is kept too)."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("AIOS_LOG_", "OTEL_"))}
    main, child = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "aios.cli", *args],
        stdin=child,
        stdout=child,
        stderr=child,
        cwd=REPO,
        env={**clean, "COLUMNS": "100", **env},
        start_new_session=True,
    )
    os.close(child)
    read = b""
    deadline = time.monotonic() + timeout
    # Not select.select: late in a long run the terminal's descriptor may be above 1023.
    ready = selectors.DefaultSelector()
    ready.register(main, selectors.EVENT_READ)
    try:
        while time.monotonic() < deadline:
            if until is not None and until in _plain(read):
                process.send_signal(signal.SIGINT)
                until = None  # then read what it says on the way out
                deadline = time.monotonic() + 30
            if ready.select(0.2):
                try:
                    chunk = os.read(main, 65536)
                except OSError:  # the command exited and closed the terminal
                    break
                if not chunk:
                    break
                read += chunk
            elif process.poll() is not None and until is None:
                break
        else:
            raise AssertionError(f"aios {' '.join(args)} still running: {_plain(read)!r}")
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=30)
        ready.close()
        os.close(main)
    return _plain(read)


def _plain(raw: bytes) -> str:
    return _ANSI.sub("", raw.decode(errors="replace")).replace("\r\n", "\n")
