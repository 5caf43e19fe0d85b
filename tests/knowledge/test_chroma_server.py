"""The knowledge vectors on a Chroma server (``AIOS_CHROMA_URL``): a real ``chroma run`` on
loopback; the embedding still happens here, with our model."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack

import pytest

from aios.knowledge.bench_scale import Store, chroma_server, run_scale_benches
from aios.knowledge.dense import COLLECTION, chroma_client
from aios.knowledge.service import KnowledgeBase


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with ExitStack() as stack:
        try:
            url = stack.enter_context(chroma_server(tmp_path_factory.mktemp("chroma-server")))
        except RuntimeError as exc:
            pytest.skip(str(exc))
        yield url


def test_documents_indexed_on_a_chroma_server_are_found(server, corpus, tmp_path, embedder):
    data_dir = tmp_path / "data"
    base = KnowledgeBase.open(data_dir, embedder, chroma_url=server)
    try:
        report = base.index.ingest([], corpus)
        assert report.added and not report.skipped
        stored = chroma_client(server).get_collection(COLLECTION).count()
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


def test_the_scale_bench_times_both_stores_and_leaves_the_server_as_it_was(server, embedder):
    before = {c.name for c in chroma_client(server).list_collections()}
    runs = run_scale_benches(embedder, [300], list(Store), chroma_url=server, queries=3)
    assert [(r.chunks, r.store) for r in runs] == [(300, Store.EMBEDDED), (300, Store.SERVER)]
    assert all(r.hybrid.queries == r.vector_query.queries == 3 for r in runs)
    assert {c.name for c in chroma_client(server).list_collections()} == before
