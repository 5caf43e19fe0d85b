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


def resolve(reference: str, sources: Iterable[str]) -> str | None:
    """The one source ``reference`` names, as ``superseded_sources`` reads references."""
    wanted = _normalize(reference)
    matches = {source for source in sources if wanted in _keys(source)}
    return matches.pop() if len(matches) == 1 else None


def neighbours(source: str, records: Iterable[FileRecord]) -> tuple[str | None, str | None]:
    """The versions just before and just after ``source``: (what it replaced, what replaced
    it), each named on either side of the pair."""
    by_source = {r.source: r for r in records}
    record = by_source.get(source)
    if record is None:
        return None, None
    names = list(by_source)
    older = {found for ref in record.supersedes if (found := resolve(ref, names))}
    older |= {r.source for r in by_source.values() if _names(r.superseded_by, names, source)}
    newer = {
        r.source for r in by_source.values() if any(_names(x, names, source) for x in r.supersedes)
    }
    if record.superseded_by and (found := resolve(record.superseded_by, names)):
        newer.add(found)
    return min(older, default=None), min(newer, default=None)


def _names(reference: str | None, sources: list[str], source: str) -> bool:
    return reference is not None and resolve(reference, sources) == source
