"""Which documents are superseded: by their own ``superseded_by``, or another's ``supersedes``."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import PurePosixPath

from aios.knowledge.catalog import FileRecord


def superseded_sources(records: Iterable[FileRecord]) -> set[str]:
    """Sources that a newer document replaces. References may name a source with or without
    its suffix, or just its file name, as long as that is unambiguous."""
    records = list(records)
    lookup: dict[str, set[str]] = {}
    for record in records:
        for key in _keys(record.source):
            lookup.setdefault(key, set()).add(record.source)
    superseded = {r.source for r in records if r.superseded_by}
    for record in records:
        for reference in record.supersedes:
            matches = lookup.get(_normalize(reference), set())
            if len(matches) == 1:
                superseded |= matches
    return superseded


def _normalize(reference: str) -> str:
    reference = reference.strip().lstrip("./")
    reference = reference.removeprefix("knowledge/")
    return reference.lower()


def _keys(source: str) -> set[str]:
    path = PurePosixPath(source.lower())
    return {str(path), str(path.with_suffix("")), path.name, path.stem}
