"""What ``make run`` shows a person at a terminal: each command's own report and, last, where
the web chat is and whom to sign in as; no library's INFO lines, no JSON, no progress bar.
Logs as JSON objects are for a server whose stderr a collector reads."""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys

import pytest

from aios.loopback import free_port
from aios.observability.logs import logging_config
from aios.settings import Settings
from tests.cli.terminal import on_terminal
from tests.settings import REPO

NOISE = re.compile(r"\bINFO\b|\binfo\b|alembic|\{\"|Loading weights|it/s\]|%\|")
"""A library's INFO line (as Chainlit or structlog print it), a JSON log line, a progress bar."""


def _noise(printed: str) -> list[str]:
    return [line for line in printed.splitlines() if NOISE.search(line)]


@pytest.mark.slow
def test_seeding_and_ingesting_print_their_reports_and_nothing_else(tmp_path):
    data = {"AIOS_DATA_DIR": str(tmp_path / "data")}
    seeded = on_terminal("demo", "seed", **data)
    assert "Demo data: seed 42" in seeded and "sales_orders" in seeded
    assert _noise(seeded) == []

    one = REPO / "knowledge" / "support" / "order-cancellation.md"
    ingest = ("knowledge", "ingest", str(one), "--knowledge-dir", str(REPO / "knowledge"))
    ingested = on_terminal(*ingest, **data)
    assert re.search(r"added\s+│\s+1\b", ingested), ingested
    assert _noise(ingested) == []
    # Piped, as from a script: the report on stdout, nothing at all on stderr.
    piped = subprocess.run(
        [sys.executable, "-m", "aios.cli", *ingest, "--json"],
        capture_output=True,
        text=True,
        cwd=REPO,
        env={**{k: v for k, v in os.environ.items() if not k.startswith("AIOS_LOG_")}, **data},
        timeout=300,
        check=True,
    )
    assert json.loads(piped.stdout)["unchanged"] == ["support/order-cancellation.md"]
    assert piped.stderr == ""


@pytest.mark.slow
def test_the_web_chat_says_last_where_it_is_and_whom_to_sign_in_as(demo_settings):
    port = free_port()
    printed = on_terminal(
        "web",
        "--port",
        str(port),
        until="with the password",
        AIOS_DATA_DIR=str(demo_settings.data_dir),
    )
    assert printed.splitlines() == [
        "Loading the assistant…",
        f"The web chat is ready at http://127.0.0.1:{port}",
        "Demo: sign in as alice, bob, carol, dave, erin, frank, grace with the password demo.",
    ], printed


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_server_logs_json_for_a_collector_and_lines_for_a_person(monkeypatch):
    collected = logging_config(Settings(), server=True)
    assert collected["formatters"]["structlog"]["fmt"] == "json"
    assert collected["root"]["level"] == "INFO"

    monkeypatch.setattr("sys.stderr", _Terminal())
    person = logging_config(Settings(), server=True)
    assert person["formatters"]["structlog"]["fmt"] == "console"
    assert person["root"]["level"] == "WARNING"  # the libraries
    assert person["loggers"]["aios"]["level"] == "INFO"  # its own lines
    chosen = logging_config(Settings(log_format="json", log_level="DEBUG"), server=True)
    assert chosen["formatters"]["structlog"]["fmt"] == "json"
    assert chosen["root"]["level"] == "DEBUG"
