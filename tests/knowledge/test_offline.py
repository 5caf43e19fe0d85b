"""No code path reaches the network for a model: ingest and search with the network blocked.

A ``sitecustomize`` in the child process makes every non-loopback ``connect`` fail and records
the attempt; the child ingests the small corpus, searches it, and reports what was attempted.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]

BLOCKER = """
import socket

ATTEMPTS = []
_connect, _connect_ex = socket.socket.connect, socket.socket.connect_ex


def _loopback(address):
    if not isinstance(address, tuple):  # AF_UNIX paths
        return True
    host = str(address[0])
    return host in ("localhost", "::1") or host.startswith("127.")


def _guard(sock, address):
    if not _loopback(address):
        ATTEMPTS.append(repr(address))
        raise OSError(f"network blocked by test: {address!r}")


def connect(sock, address):
    _guard(sock, address)
    return _connect(sock, address)


def connect_ex(sock, address):
    _guard(sock, address)
    return _connect_ex(sock, address)


socket.socket.connect = connect
socket.socket.connect_ex = connect_ex
"""

CHILD = """
import json, sys
from pathlib import Path
import sitecustomize
from aios.knowledge.embedder import load_embedder
from aios.knowledge.service import KnowledgeBase
from tests.knowledge.corpus import write_corpus

root = Path(sys.argv[1])
try:
    import socket
    socket.create_connection(("203.0.113.1", 443), timeout=1)
    blocker = "not installed"
except OSError as error:
    blocker = str(error)
sitecustomize.ATTEMPTS.clear()
base = KnowledgeBase.open(root / "data", load_embedder())
report = base.index.ingest([], write_corpus(root / "knowledge"))
hits = base.retriever.search("Who pays for return shipping?", 3)
answer = base.answerer.answer("What's the weather forecast for Chicago tomorrow?")
print(json.dumps({
    "blocker": blocker,
    "attempts": sitecustomize.ATTEMPTS,
    "added": len(report.added),
    "top": hits[0].citation.heading,
    "found": answer.found,
}))
"""


def test_ingest_and_search_never_touch_the_network(tmp_path: Path) -> None:
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "sitecustomize.py").write_text(BLOCKER)
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("HF_", "TRANSFORMERS_", "SENTENCE_TRANSFORMERS_"))
    }
    env.update(
        PYTHONPATH=os.pathsep.join([str(tmp_path / "site"), str(REPO)]),
        HF_HUB_OFFLINE="1",
        TRANSFORMERS_OFFLINE="1",
        HOME=str(tmp_path / "home"),  # no model caches from earlier runs to fall back on
    )
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(CHILD), str(tmp_path / "work")],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    outcome = json.loads(result.stdout.strip().splitlines()[-1])
    assert "network blocked by test" in outcome["blocker"]
    assert outcome["attempts"] == []
    assert outcome["added"] == 7
    assert outcome["top"] == "Return shipping"
    assert outcome["found"] is False
