"""The knowledge vectors on a Chroma server (``AIOS_CHROMA_URL``): a real ``chroma run`` on
loopback; the embedding still happens here, with our model."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from aios.knowledge.dense import COLLECTION, chroma_client
from aios.knowledge.service import KnowledgeBase
from aios.loopback import free_port

# chromadb installs its server command next to the interpreter.
CHROMA = Path(sys.executable).with_name("chroma")


@pytest.fixture(scope="module")
def chroma_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if not CHROMA.exists():
        pytest.skip(f"{CHROMA} not found: the chromadb package installs it")
    port, path = free_port(), tmp_path_factory.mktemp("chroma-server")
    server = subprocess.Popen(
        [str(CHROMA), "run", "--path", str(path), "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{url}/api/v2/heartbeat", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline or server.poll() is not None:
                pytest.skip("the Chroma server did not start within 60 s")
            time.sleep(0.3)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=20)


def test_documents_indexed_on_a_chroma_server_are_found(chroma_server, corpus, tmp_path, embedder):
    data_dir = tmp_path / "data"
    base = KnowledgeBase.open(data_dir, embedder, chroma_url=chroma_server)
    try:
        report = base.index.ingest([], corpus)
        assert report.added and not report.skipped
        stored = chroma_client(chroma_server).get_collection(COLLECTION).count()
        assert stored == base.index.stats().chunks > 0
        assert not (data_dir / "chroma").exists()  # nothing embedded locally
        hits = base.retriever.search("how long is the refund window?", 3)
        assert hits and hits[0].dense_similarity is not None
        assert base.index.ingest([], corpus).added == []  # unchanged: no writes
    finally:
        base.close()


def test_a_bad_chroma_url_is_refused_plainly():
    with pytest.raises(ValueError, match="not a Chroma server URL"):
        chroma_client("chroma.internal:8000")
