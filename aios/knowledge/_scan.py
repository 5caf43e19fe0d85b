"""Finding the files an ingest covers, and naming them relative to the knowledge directory."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from aios.knowledge.models import SkippedFile


@dataclass
class Scan:
    """Files to consider, by source; the scope of sources the scan speaks for; early skips."""

    files: dict[str, Path] = field(default_factory=dict)
    scope: list[str] = field(default_factory=list)
    skipped: list[SkippedFile] = field(default_factory=list)

    def covers(self, source: str) -> bool:
        """Whether a previously ingested ``source`` lies where this scan looked."""
        return any(
            source == scope or ((scope == "" or scope.endswith("/")) and source.startswith(scope))
            for scope in self.scope
        )


def scan(paths: Sequence[Path], knowledge_dir: Path) -> Scan:
    """Walk ``paths`` (files or folders, default the whole knowledge directory).

    Names starting with '.' or '_' (``_sources/``, ``.git``) are not documents and are passed
    over; so are README files, which describe a folder rather than hold knowledge."""
    root = knowledge_dir.resolve()
    result = Scan()
    for given in paths or [knowledge_dir]:
        path = given.resolve()
        try:
            relative = path.relative_to(root).as_posix()
        except ValueError:
            result.skipped.append(SkippedFile(source=str(given), reason=f"outside {knowledge_dir}"))
            continue
        relative = "" if relative == "." else relative
        if path.is_dir():
            result.scope.append(f"{relative}/" if relative else "")
            for file in sorted(path.rglob("*")):
                inner = file.relative_to(root)
                if file.is_file() and _is_document(inner.parts):
                    result.files[inner.as_posix()] = file
        elif path.is_file():
            result.scope.append(relative)
            result.files[relative] = path
        else:
            # A named file that is gone: its chunks (if any) go too.
            result.scope.append(relative)
    return result


def _is_document(parts: tuple[str, ...]) -> bool:
    hidden = any(part.startswith((".", "_")) for part in parts)
    return not hidden and not parts[-1].lower().startswith("readme.")
