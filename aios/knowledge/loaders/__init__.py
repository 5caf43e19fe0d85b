"""Read knowledge files (Markdown, PDF, HTML, plain text, CSV) into structured sections.

:func:`load_file` either returns a :class:`LoadedDocument` or raises :class:`SkipFile` with a
reason a person can act on; it never lets one bad file take down an ingest of many.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from aios.knowledge.loaders._read import DEFAULT_MAX_BYTES, SkipFile, read_bytes, read_text
from aios.knowledge.loaders.html import load_html
from aios.knowledge.loaders.markdown import load_markdown
from aios.knowledge.loaders.pdf import load_pdf
from aios.knowledge.loaders.plain import load_plain
from aios.knowledge.loaders.tabular import load_csv
from aios.knowledge.models import LoadedDocument

__all__ = ["DEFAULT_MAX_BYTES", "SUPPORTED_SUFFIXES", "SkipFile", "load_file"]

_TEXT_LOADERS: dict[str, Callable[[str, str], LoadedDocument]] = {
    ".md": load_markdown,
    ".markdown": load_markdown,
    ".html": load_html,
    ".htm": load_html,
    ".txt": load_plain,
    ".csv": load_csv,
}
SUPPORTED_SUFFIXES = frozenset({*_TEXT_LOADERS, ".pdf"})


def load_file(path: Path, data: bytes | None = None) -> LoadedDocument:
    """Load ``path`` (or its already-read ``data``) with the loader its suffix names."""
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise SkipFile(f"unsupported file type {suffix or '(none)'!r}")
    if data is None:
        data = read_bytes(path)
    if suffix == ".pdf":
        document = load_pdf(data, path.stem)
    else:
        document = _TEXT_LOADERS[suffix](read_text(data), path.stem)
    if not any(section.text.strip() for section in document.sections):
        raise SkipFile("no text content")
    return document
