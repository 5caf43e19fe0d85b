"""Ingestion: idempotent, incremental, and never stopped by one bad file."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from filelock import FileLock

from aios.knowledge.embedder import Embedder
from aios.knowledge.index import IngestBusy, KnowledgeIndex
from aios.knowledge.retriever import Mode
from aios.knowledge.service import KnowledgeBase

pytestmark = pytest.mark.slow

ALL_SOURCES = [
    "compliance/retention.pdf",
    "finance/refund-policy-v1.md",
    "finance/refund-policy-v2.md",
    "operations/calendar.html",
    "operations/visitor-notes.txt",
    "sales/prices.csv",
    "support/product-returns.md",
]


def test_first_ingest_adds_every_file(base: KnowledgeBase, corpus: Path) -> None:
    report = base.index.ingest([], corpus)
    assert sorted(report.added) == ALL_SOURCES
    assert report.skipped == [] and report.removed == [] and report.updated == []
    stats = base.index.stats()
    assert stats.files == len(ALL_SOURCES)
    assert stats.chunks == stats.vectors == report.chunks_written > len(ALL_SOURCES)
    assert base.index.lexical().tokenized == stats.chunks


def test_reingesting_unchanged_files_writes_nothing(base: KnowledgeBase, corpus: Path) -> None:
    base.index.ingest([], corpus)
    generation = base.index.stats().generation
    report = base.index.ingest([], corpus)
    assert sorted(report.unchanged) == ALL_SOURCES
    assert report.writes == 0
    assert base.index.stats().generation == generation  # BM25 not rebuilt either


def test_a_changed_file_replaces_its_chunks(base: KnowledgeBase, corpus: Path) -> None:
    base.index.ingest([], corpus)
    path = corpus / "support/product-returns.md"
    text = path.read_text().replace("15 percent", "20 percent")
    path.write_text(
        text.replace(
            "## Restocking fee", "## Exchanges\n\nExchanges are free.\n\n## Restocking fee"
        )
    )
    report = base.index.ingest([], corpus)
    assert report.updated == ["support/product-returns.md"]
    # only the edited section and the new one are embedded; the others are left alone
    assert report.chunks_written == 2 and report.chunks_deleted == 0
    texts = [c.text for c in base.index.catalog.chunks_of("support/product-returns.md")]
    assert any("20 percent" in t for t in texts) and not any("15 percent" in t for t in texts)
    hits = base.retriever.search("restocking fee percentage", 1)
    assert "20 percent" in hits[0].text
    assert base.index.stats().vectors == base.index.stats().chunks


def test_bm25_re_tokenises_only_the_changed_chunks(
    tmp_path: Path, embedder: Embedder, corpus: Path
) -> None:
    first = KnowledgeBase.open(tmp_path / "data", embedder)
    first.index.ingest([], corpus)
    first.close()
    path = corpus / "support/product-returns.md"
    path.write_text(path.read_text().replace("15 percent", "20 percent"))
    (corpus / "operations/visitor-notes.txt").unlink()
    # a new process: the tokens of unchanged chunks come from the saved index
    again = KnowledgeBase.open(tmp_path / "data", embedder)
    try:
        report = again.index.ingest([], corpus)
        lexical = again.index.lexical()
        assert report.chunks_written == lexical.tokenized == 1
        assert len(lexical) == again.index.stats().chunks
        assert "operations/visitor-notes.txt" not in lexical.source_names
        hits = again.retriever.search("restocking fee 20 percent", 1, mode=Mode.LEXICAL)
        assert "20 percent" in hits[0].text
        stale = again.retriever.search("15 percent", 5, mode=Mode.LEXICAL)
        assert not any("15 percent" in h.text for h in stale)
    finally:
        again.close()


def test_a_deleted_file_loses_its_chunks(base: KnowledgeBase, corpus: Path) -> None:
    base.index.ingest([], corpus)
    before = base.index.stats()
    gone = len(base.index.catalog.chunks_of("operations/visitor-notes.txt"))
    (corpus / "operations/visitor-notes.txt").unlink()
    report = base.index.ingest([], corpus)
    assert report.removed == ["operations/visitor-notes.txt"]
    assert report.chunks_deleted == gone
    after = base.index.stats()
    assert after.chunks == after.vectors == before.chunks - gone
    assert all(
        h.citation.source != "operations/visitor-notes.txt"
        for h in base.retriever.search("forklift training", 5)
    )


def test_ingesting_a_subfolder_leaves_the_rest_alone(base: KnowledgeBase, corpus: Path) -> None:
    base.index.ingest([corpus / "finance"], corpus)
    assert base.index.stats().files == 2
    report = base.index.ingest([corpus / "support"], corpus)
    assert report.added == ["support/product-returns.md"] and report.removed == []
    assert base.index.stats().files == 3


def test_bad_files_are_skipped_with_reasons_and_the_rest_ingests(
    tmp_path: Path, embedder: Embedder, corpus: Path
) -> None:
    (corpus / "bad").mkdir()
    (corpus / "bad/empty.md").write_bytes(b"")
    (corpus / "bad/image.md").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00binary")
    (corpus / "bad/huge.txt").write_bytes(b"word " * 4000)
    (corpus / "bad/fake.pdf").write_bytes(b"not a pdf")
    (corpus / "bad/tool.exe").write_bytes(b"MZ")
    (corpus / "_sources").mkdir()
    (corpus / "_sources/make.py").write_text("print('not a document')")
    (corpus / "README.md").write_text("# About this folder")
    index = KnowledgeIndex(tmp_path / "data", embedder, max_bytes=10_000)
    try:
        report = index.ingest([], corpus)
    finally:
        index.close()
    reasons = {s.source: s.reason for s in report.skipped}
    assert set(reasons) == {
        "bad/empty.md",
        "bad/image.md",
        "bad/huge.txt",
        "bad/fake.pdf",
        "bad/tool.exe",
    }
    assert reasons["bad/empty.md"] == "empty file"
    assert "binary" in reasons["bad/image.md"]
    assert "too large" in reasons["bad/huge.txt"]
    assert "not a PDF" in reasons["bad/fake.pdf"]
    assert "unsupported" in reasons["bad/tool.exe"]
    assert sorted(report.added) == ALL_SOURCES


def test_a_file_that_turns_bad_loses_its_chunks(base: KnowledgeBase, corpus: Path) -> None:
    base.index.ingest([], corpus)
    (corpus / "operations/visitor-notes.txt").write_bytes(b"")
    report = base.index.ingest([], corpus)
    assert [s.source for s in report.skipped] == ["operations/visitor-notes.txt"]
    assert base.index.catalog.chunks_of("operations/visitor-notes.txt") == []
    assert base.index.stats().vectors == base.index.stats().chunks


def test_supersedes_marks_the_older_document_even_without_its_own_flag(
    base: KnowledgeBase, corpus: Path
) -> None:
    old = corpus / "finance/refund-policy-v1.md"
    old.write_text(old.read_text().replace("superseded_by: finance/refund-policy-v2.md\n", ""))
    base.index.ingest([], corpus)
    flags = {c.superseded for c in base.index.catalog.chunks_of("finance/refund-policy-v1.md")}
    assert flags == {True}
    # dropping the newer document's claim brings the old one back as current
    new = corpus / "finance/refund-policy-v2.md"
    new.write_text(new.read_text().replace("supersedes: finance/refund-policy-v1.md\n", ""))
    report = base.index.ingest([], corpus)
    assert report.chunks_updated == len(base.index.catalog.chunks_of("finance/refund-policy-v1.md"))
    flags = {c.superseded for c in base.index.catalog.chunks_of("finance/refund-policy-v1.md")}
    assert flags == {False}


def test_a_lost_vector_store_is_rebuilt_on_the_next_ingest(
    tmp_path: Path, embedder: Embedder, corpus: Path
) -> None:
    first = KnowledgeIndex(tmp_path / "data", embedder)
    first.ingest([], corpus)
    chunks = first.stats().chunks
    first.dense.delete(list(first.dense.ids())[:3])  # as if a crash lost some writes
    report = first.ingest([], corpus)
    assert report.chunks_written >= 3
    assert first.stats().vectors == chunks
    first.close()


def test_the_index_reopens_from_disk(tmp_path: Path, embedder: Embedder, corpus: Path) -> None:
    first = KnowledgeBase.open(tmp_path / "data", embedder)
    first.index.ingest([], corpus)
    first.close()
    again = KnowledgeBase.open(tmp_path / "data", embedder)
    try:
        assert again.index.ingest([], corpus).writes == 0
        assert again.retriever.search("restocking fee", 1)[0].citation.heading == "Restocking fee"
    finally:
        again.close()


def test_an_ingest_waits_for_another_and_then_finds_nothing_to_do(
    tmp_path: Path, embedder: Embedder, corpus: Path
) -> None:
    first = KnowledgeIndex(tmp_path / "data", embedder)
    second = KnowledgeIndex(tmp_path / "data", embedder)
    try:
        with ThreadPoolExecutor(max_workers=2) as pool:
            runs = [pool.submit(index.ingest, [], corpus) for index in (first, second)]
            reports = [run.result() for run in runs]
        assert sorted(len(r.added) for r in reports) == [0, len(ALL_SOURCES)]
        assert sorted(len(r.unchanged) for r in reports) == [0, len(ALL_SOURCES)]
        assert first.stats().vectors == first.stats().chunks
    finally:
        first.close()
        second.close()


def test_an_ingest_gives_up_on_a_store_another_holds(
    tmp_path: Path, embedder: Embedder, corpus: Path
) -> None:
    index = KnowledgeIndex(tmp_path / "data", embedder, lock_timeout=0.05)
    try:
        with FileLock(tmp_path / "data" / "knowledge" / "ingest.lock"), pytest.raises(IngestBusy):
            index.ingest([], corpus)
        assert sorted(index.ingest([], corpus).added) == ALL_SOURCES
    finally:
        index.close()
