"""The catalog: which files were ingested (with their content hash) and every chunk's text.

It is the source of truth of the knowledge index. The vector store and the BM25 index are
derived from it; a generation counter, bumped on every change, tells readers when the BM25
index they hold is stale. SQLite, so a crashed ingest leaves the previous state intact.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aios.knowledge.models import Chunk

_SCHEMA = """
CREATE TABLE IF NOT EXISTS files (
    source TEXT PRIMARY KEY,
    content_hash TEXT NOT NULL,
    supersedes TEXT NOT NULL DEFAULT '[]',
    superseded_by TEXT,
    superseded INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS chunks (
    id TEXT PRIMARY KEY,
    source TEXT NOT NULL,
    seq INTEGER NOT NULL,
    title TEXT NOT NULL,
    heading TEXT NOT NULL,
    heading_path TEXT NOT NULL,
    text TEXT NOT NULL,
    version TEXT,
    effective TEXT,
    superseded INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS chunks_by_source ON chunks (source, seq);
CREATE TABLE IF NOT EXISTS state (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""
_CHUNK_COLUMNS = "id, source, title, heading, heading_path, text, version, effective, superseded"


@dataclass(frozen=True)
class FileRecord:
    source: str
    content_hash: str
    supersedes: tuple[str, ...]
    superseded_by: str | None
    superseded: bool = False


@dataclass
class FileChange:
    """A file's new state: its record and all its chunks (in document order)."""

    record: FileRecord
    chunks: list[Chunk]


class Catalog:
    """Safe to share between threads: one connection, used under a lock."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.RLock()
        self._db = sqlite3.connect(str(path), check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.executescript(_SCHEMA)

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def _rows(self, query: str, params: Sequence[object] = ()) -> list[tuple[Any, ...]]:
        with self._lock:
            return self._db.execute(query, params).fetchall()

    def files(self) -> dict[str, FileRecord]:
        rows = self._rows(
            "SELECT source, content_hash, supersedes, superseded_by, superseded FROM files"
        )
        return {
            source: FileRecord(source, digest, tuple(json.loads(sup)), by, bool(flag))
            for source, digest, sup, by, flag in rows
        }

    def chunks_of(self, source: str) -> list[Chunk]:
        query = f"SELECT {_CHUNK_COLUMNS} FROM chunks WHERE source = ? ORDER BY seq"
        return [_chunk(row) for row in self._rows(query, (source,))]

    def get_chunks(self, ids: Sequence[str]) -> dict[str, Chunk]:
        found: dict[str, Chunk] = {}
        for start in range(0, len(ids), 500):
            part = list(ids[start : start + 500])
            marks = ",".join("?" * len(part))
            query = f"SELECT {_CHUNK_COLUMNS} FROM chunks WHERE id IN ({marks})"
            found.update((row[0], _chunk(row)) for row in self._rows(query, part))
        return found

    def iter_chunks(self) -> Iterator[Chunk]:
        """Every chunk, in a stable order (by source, then position in the file)."""
        query = f"SELECT {_CHUNK_COLUMNS} FROM chunks ORDER BY source, seq"
        return (_chunk(row) for row in self._rows(query))

    def count(self) -> int:
        return int(self._rows("SELECT COUNT(*) FROM chunks")[0][0])

    def generation(self) -> int:
        rows = self._rows("SELECT value FROM state WHERE key = 'generation'")
        return int(rows[0][0]) if rows else 0

    def commit(
        self,
        changes: Iterable[FileChange],
        removed: Iterable[str],
        superseded: dict[str, bool],
    ) -> int:
        """Apply file changes, removals and superseded flags in one transaction.

        Returns the new generation (unchanged when there was nothing to do).
        """
        changes, removed = list(changes), list(removed)
        if not changes and not removed and not superseded:
            return self.generation()
        with self._lock, self._db:
            for source in removed:
                self._db.execute("DELETE FROM chunks WHERE source = ?", (source,))
                self._db.execute("DELETE FROM files WHERE source = ?", (source,))
            for change in changes:
                self._replace(change)
            for source, flag in superseded.items():
                for table in ("chunks", "files"):
                    self._db.execute(
                        f"UPDATE {table} SET superseded = ? WHERE source = ?", (int(flag), source)
                    )
            self._db.execute(
                "INSERT INTO state (key, value) VALUES ('generation', ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (str(self.generation() + 1),),
            )
        return self.generation()

    def forget_hashes(self, sources: Sequence[str]) -> None:
        """Make the next ingest treat ``sources`` as changed (their vectors need rewriting)."""
        with self._lock, self._db:
            self._db.executemany(
                "UPDATE files SET content_hash = '' WHERE source = ?", [(s,) for s in sources]
            )

    def _replace(self, change: FileChange) -> None:
        record = change.record
        self._db.execute("DELETE FROM chunks WHERE source = ?", (record.source,))
        self._db.execute(
            "INSERT OR REPLACE INTO files (source, content_hash, supersedes, superseded_by,"
            " superseded) VALUES (?, ?, ?, ?, ?)",
            (
                record.source,
                record.content_hash,
                json.dumps(record.supersedes),
                record.superseded_by,
                int(record.superseded),
            ),
        )
        self._db.executemany(
            "INSERT INTO chunks (id, source, seq, title, heading, heading_path, text, version,"
            " effective, superseded) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    c.id,
                    c.source,
                    seq,
                    c.title,
                    c.heading,
                    c.heading_path,
                    c.text,
                    c.version,
                    c.effective,
                    int(c.superseded),
                )
                for seq, c in enumerate(change.chunks)
            ],
        )


def _chunk(row: tuple[object, ...]) -> Chunk:
    id_, source, title, heading, heading_path, text, version, effective, superseded = row
    return Chunk(
        id=str(id_),
        source=str(source),
        title=str(title),
        heading=str(heading),
        heading_path=str(heading_path),
        text=str(text),
        version=None if version is None else str(version),
        effective=None if effective is None else str(effective),
        superseded=bool(superseded),
    )
