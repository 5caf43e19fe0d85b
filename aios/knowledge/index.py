"""KnowledgeIndex: ingest files into the catalog, the vector store and the BM25 index.

Re-ingesting an unchanged file costs a hash and no writes; a changed file has only its changed
chunks re-embedded (and its vanished chunks deleted); a deleted file's chunks go. Writes happen
in the order vectors → catalog → BM25, so a crash leaves the catalog at its previous state and
the next run repeats the work (chunk ids are stable, so repeating is harmless).
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

from filelock import FileLock, Timeout
from pydantic import BaseModel

from aios.knowledge._scan import scan
from aios.knowledge.catalog import Catalog, FileChange, FileRecord
from aios.knowledge.chroma_embedding import ChromaEmbeddingFunction
from aios.knowledge.chunking import ChunkingConfig, chunk_document
from aios.knowledge.dense import DenseIndex
from aios.knowledge.embedder import Embedder
from aios.knowledge.lexical import LexicalIndex, LexicalRow
from aios.knowledge.loaders import DEFAULT_MAX_BYTES, SkipFile, load_file
from aios.knowledge.loaders._read import read_bytes
from aios.knowledge.models import Chunk, IngestReport, SkippedFile
from aios.knowledge.supersession import superseded_sources

PIPELINE_VERSION = 2
"""Bump when a loader or the chunker changes its output: every file is then re-ingested."""

LOCK_TIMEOUT_S = 600.0
"""How long an ingest waits for another one (in any process) to finish before giving up."""

Progress = Callable[[int, int], None]
"""Called with (chunks embedded so far, chunks to embed) as an ingest proceeds."""


class IngestBusy(RuntimeError):
    """Another ingest held the knowledge store for longer than we were willing to wait."""


class IndexStats(BaseModel):
    files: int
    chunks: int
    vectors: int
    generation: int


@dataclass
class _Plan:
    changes: list[FileChange] = field(default_factory=list)
    to_embed: list[Chunk] = field(default_factory=list)
    to_update: list[Chunk] = field(default_factory=list)
    to_delete: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    flips: dict[str, bool] = field(default_factory=dict)


def open_catalog(data_dir: Path) -> Catalog:
    """The catalog of what was ingested under ``data_dir``: enough to list and read the
    documents, without the embedding model."""
    return Catalog(data_dir / "knowledge" / "catalog.sqlite")


class KnowledgeIndex:
    """The knowledge store under ``data_dir``: ``knowledge/catalog.sqlite``, ``knowledge/bm25``
    and the ``chroma`` directory (or the Chroma server at ``chroma_url``)."""

    def __init__(
        self,
        data_dir: Path,
        embedder: Embedder,
        *,
        chunking: ChunkingConfig | None = None,
        max_bytes: int = DEFAULT_MAX_BYTES,
        embed_batch: int = 256,
        lock_timeout: float = LOCK_TIMEOUT_S,
        chroma_url: str | None = None,
    ) -> None:
        self.embedder = embedder
        self.chunking = chunking or ChunkingConfig()
        self.max_bytes = max_bytes
        self.embed_batch = embed_batch
        self.catalog = open_catalog(data_dir)
        # The vectors may live on a Chroma server; the catalog and the BM25 index stay here.
        self.dense = DenseIndex(
            chroma_url or data_dir / "chroma", ChromaEmbeddingFunction(embedder)
        )
        self._lexical_dir = data_dir / "knowledge" / "bm25"
        self._lexical: LexicalIndex | None = None
        self._lexical_lock = threading.Lock()
        # Two ingests planning from the same catalog would both embed the same files and then
        # overwrite each other's commits: writers take turns, across processes.
        self._write_lock = FileLock(data_dir / "knowledge" / "ingest.lock")
        self._lock_timeout = lock_timeout
        # Files are re-read when their bytes change, and also when how we read and cut them
        # changes: the stored hash covers the pipeline version and the chunking settings.
        self._salt = f"{PIPELINE_VERSION}|{self.chunking}|{self.embedder.name}|".encode()

    def close(self) -> None:
        self.catalog.close()

    def stats(self) -> IndexStats:
        return IndexStats(
            files=len(self.catalog.files()),
            chunks=self.catalog.count(),
            vectors=self.dense.count(),
            generation=self.catalog.generation(),
        )

    def lexical(self) -> LexicalIndex:
        """The BM25 index matching the catalog: kept in memory, loaded or rebuilt when stale."""
        generation = self.catalog.generation()
        current = self._lexical
        if current is not None and current.generation == generation:
            return current
        with self._lexical_lock:
            return self._refresh_lexical(generation)

    def _refresh_lexical(self, generation: int) -> LexicalIndex:
        if self._lexical is not None and self._lexical.generation == generation:
            return self._lexical  # another thread refreshed it while we waited
        loaded = None
        if LexicalIndex.saved_generation(self._lexical_dir) == generation:
            loaded = LexicalIndex.load(self._lexical_dir)
        if loaded is None:
            # The heading goes in twice: it is the best one-line summary of its section.
            rows = (
                LexicalRow(c.id, c.source, c.superseded, f"{c.heading}\n{c.embed_text}")
                for c in self.catalog.iter_chunks()
            )
            # Tokens of unchanged chunks come from the index we had, or else the saved one.
            held = self._lexical or LexicalIndex.load(self._lexical_dir)
            loaded = LexicalIndex.build(rows, generation, held.terms() if held else None)
            loaded.save(self._lexical_dir)
        self._lexical = loaded
        return loaded

    def ingest(
        self,
        paths: Sequence[Path],
        knowledge_dir: Path,
        *,
        progress: Progress | None = None,
    ) -> IngestReport:
        """Bring the index in line with ``paths`` (files or folders under ``knowledge_dir``;
        all of it when empty). One bad file is skipped with a reason, never fatal."""
        with self._exclusive():
            started = time.perf_counter()  # after the lock: waiting for it is not ingesting
            report = self._ingest(paths, knowledge_dir, progress)
            report.seconds = time.perf_counter() - started
        return report

    @contextmanager
    def _exclusive(self) -> Iterator[None]:
        try:
            with self._write_lock.acquire(timeout=self._lock_timeout):
                yield
        except Timeout as error:
            raise IngestBusy(
                f"another ingest has held {self._write_lock.lock_file} for over"
                f" {self._lock_timeout:.0f} s; try again when it has finished"
            ) from error

    def _ingest(
        self, paths: Sequence[Path], knowledge_dir: Path, progress: Progress | None
    ) -> IngestReport:
        missing = self._reconcile()
        found = scan(paths, knowledge_dir)
        report = IngestReport(skipped=list(found.skipped))
        known = self.catalog.files()
        records, loaded = self._read_changed(found.files, known, report)
        plan = _Plan()
        skipped = {s.source for s in report.skipped}
        for source in known:
            if source in skipped or (found.covers(source) and source not in found.files):
                # Gone, or now unreadable: either way its chunks must not be served any more.
                records.pop(source, None)
                plan.removed.append(source)
                if source not in skipped:
                    report.removed.append(source)
        self._plan_changes(plan, known, records, loaded, missing)
        self._write(plan, report, progress)
        return report

    def _read_changed(
        self, files: dict[str, Path], known: dict[str, FileRecord], report: IngestReport
    ) -> tuple[dict[str, FileRecord], dict[str, list[Chunk]]]:
        """Hash every file; load and chunk those whose hash changed. Returns the file records
        as they will be after this ingest, and the chunks of the files that changed."""
        records = dict(known)
        loaded: dict[str, list[Chunk]] = {}
        for source, path in files.items():
            try:
                data = read_bytes(path, self.max_bytes)
                digest = hashlib.sha256(self._salt + data).hexdigest()
                if source in known and known[source].content_hash == digest:
                    report.unchanged.append(source)
                    continue
                document = load_file(path, data)
                chunks = chunk_document(document, source, self.chunking)
            except SkipFile as skip:
                report.skipped.append(SkippedFile(source=source, reason=skip.reason))
                records.pop(source, None)
                continue
            except Exception as exc:  # a parser bug on one file must not stop the others
                reason = f"could not parse: {type(exc).__name__}: {exc}"
                report.skipped.append(SkippedFile(source=source, reason=reason))
                records.pop(source, None)
                continue
            (report.updated if source in known else report.added).append(source)
            meta = document.meta
            records[source] = FileRecord(source, digest, tuple(meta.supersedes), meta.superseded_by)
            loaded[source] = chunks
        return records, loaded

    def remove(self, sources: Sequence[str]) -> list[str]:
        """Forget ``sources`` entirely; returns those that were indexed."""
        with self._exclusive():
            known = self.catalog.files()
            gone = [s for s in sources if s in known]
            plan = _Plan(removed=gone)
            self._plan_changes(plan, known, {s: r for s, r in known.items() if s not in gone}, {})
            self._write(plan, IngestReport(), None)
        return gone

    def _plan_changes(
        self,
        plan: _Plan,
        known: dict[str, FileRecord],
        records: dict[str, FileRecord],
        loaded: dict[str, list[Chunk]],
        missing: frozenset[str] = frozenset(),
    ) -> None:
        superseded = superseded_sources(records.values())
        for source in plan.removed:
            plan.to_delete.extend(c.id for c in self.catalog.chunks_of(source))
        for source, chunks in loaded.items():
            flag = source in superseded
            fresh = [c.model_copy(update={"superseded": flag}) for c in chunks]
            plan.changes.append(FileChange(replace(records[source], superseded=flag), fresh))
            old = {c.id: c for c in self.catalog.chunks_of(source)} if source in known else {}
            for chunk in fresh:
                before = old.pop(chunk.id, None)
                if before is None or before.embed_text != chunk.embed_text or chunk.id in missing:
                    plan.to_embed.append(chunk)
                elif before.metadata() != chunk.metadata():
                    plan.to_update.append(chunk)
            plan.to_delete.extend(old)
        for source, record in records.items():
            if source not in loaded and record.superseded != (source in superseded):
                plan.flips[source] = source in superseded
                plan.to_update.extend(
                    c.model_copy(update={"superseded": source in superseded})
                    for c in self.catalog.chunks_of(source)
                )

    def _write(self, plan: _Plan, report: IngestReport, progress: Progress | None) -> None:
        total = len(plan.to_embed)
        # Longest first, as the model orders one call's texts: each batch then holds texts of
        # like length, which pads least, and the batches are the ones a single call would run.
        to_embed = sorted(plan.to_embed, key=lambda c: len(c.embed_text), reverse=True)
        for start in range(0, total, self.embed_batch):
            batch = to_embed[start : start + self.embed_batch]
            began = time.perf_counter()
            vectors = self.embedder.encode([c.embed_text for c in batch])
            report.encode_seconds += time.perf_counter() - began
            self.dense.upsert(batch, vectors)
            if progress is not None:
                progress(start + len(batch), total)
        if plan.to_update:
            self.dense.update_metadata(plan.to_update)
        if plan.to_delete:
            self.dense.delete(plan.to_delete)
        report.chunks_written = total
        report.chunks_updated = len(plan.to_update)
        report.chunks_deleted = len(plan.to_delete)
        if plan.changes or plan.removed or plan.flips:
            self.catalog.commit(plan.changes, plan.removed, plan.flips)
            self.lexical()  # rebuild now, so the first search after an ingest is fast

    def _reconcile(self) -> frozenset[str]:
        """Repair drift between the catalog and the vector store (e.g. after a crash, or a
        deleted ``chroma`` directory): stray vectors go; returns the chunk ids that lack a
        vector, whose files are then re-ingested."""
        if self.dense.count() == self.catalog.count():
            return frozenset()
        vectors = self.dense.ids()
        catalogued = {c.id: c.source for c in self.catalog.iter_chunks()}
        stray = [i for i in vectors if i not in catalogued]
        if stray:
            self.dense.delete(stray)
        missing = frozenset(i for i in catalogued if i not in vectors)
        if missing:
            self.catalog.forget_hashes(sorted({catalogued[i] for i in missing}))
        return missing
