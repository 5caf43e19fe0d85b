"""Plain text: one section of paragraphs, titled from the file name."""

from __future__ import annotations

from aios.knowledge.loaders._read import humanize
from aios.knowledge.models import DocumentMeta, LoadedDocument, Section


def load_plain(text: str, stem: str) -> LoadedDocument:
    sections = [Section(heading_path=[], text=text.strip())] if text.strip() else []
    return LoadedDocument(meta=DocumentMeta(title=humanize(stem)), sections=sections)
