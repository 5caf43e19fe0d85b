"""PDF: text per page via pypdf, with headings from the outline, else from the typography.

Headings come, in order of trust, from the PDF outline (bookmarks), from lines that are short,
title-like and set larger or bolder than the body text (levels follow font sizes), or from
numbering like ``2.1 Meal allowance``. A PDF without any gets one section per page. Metadata
comes from the document info: ``/Title`` and ``key=value`` pairs in ``/Keywords``.
"""

from __future__ import annotations

import io
import re
from collections import Counter
from dataclasses import dataclass
from typing import Any

from pypdf import PdfReader
from pypdf.errors import PdfReadError

from aios.knowledge.loaders._read import SkipFile, humanize
from aios.knowledge.loaders._sections import SectionBuilder
from aios.knowledge.loaders.markdown import document_meta
from aios.knowledge.models import LoadedDocument, Section

MAX_HEADING_CHARS = 90
_NUMBERED = re.compile(r"^(\d+(?:\.\d+)*)\.?\s+\S")
_NUMBERING = re.compile(r"^(\d+(?:\.\d+)*\.?|[A-Z]\.|[IVX]+\.)\s+")
_KEY_VALUE = re.compile(r"(\w+)\s*=\s*(.*?)\s*(?=,\s*\w+\s*=|$)")
_BULLET = re.compile(r"^([-•*▪◦]|\d+[.)]|[a-z][.)])\s")


@dataclass
class _Line:
    text: str
    size: float
    bold: bool
    page: int


def load_pdf(data: bytes, stem: str) -> LoadedDocument:
    if not data.startswith(b"%PDF-"):
        raise SkipFile("not a PDF (missing %PDF- header)")
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise SkipFile("encrypted PDF")
        lines = [
            line for number, page in enumerate(reader.pages, 1) for line in _lines(page, number)
        ]
        info = _info(reader)
        outline = _outline(reader.outline)
    except (PdfReadError, ValueError, KeyError, TypeError) as exc:
        raise SkipFile(f"unreadable PDF: {exc}") from exc
    if not lines:
        raise SkipFile("no extractable text (scanned PDF?)")
    levels = _outline_levels(lines, outline) or _heading_levels(lines)
    if not levels:
        meta = document_meta(info, fallback_title=humanize(stem))
        return LoadedDocument(meta=meta, sections=_pages(lines))
    builder = SectionBuilder()
    paragraph: list[str] = []
    first_heading: str | None = None
    for line in lines:
        level = levels.get(id(line))
        if level is not None:
            _flush(builder, paragraph)
            first_heading = first_heading or line.text
            builder.heading(level, line.text)
        elif _BULLET.match(line.text):
            _flush(builder, paragraph)
            paragraph.append(line.text)
        else:
            paragraph.append(line.text)
    _flush(builder, paragraph)
    meta = document_meta(info, fallback_title=first_heading or humanize(stem))
    return LoadedDocument(meta=meta, sections=builder.finish())


def _info(reader: PdfReader) -> dict[str, str]:
    """Front-matter-like fields from the document info dictionary."""
    metadata = reader.metadata
    if metadata is None:
        return {}
    keywords = str(metadata.get("/Keywords") or "")
    fields = {key.lower(): value for key, value in _KEY_VALUE.findall(keywords)}
    title = str(metadata.title or "").strip()
    if _useful_title(title):
        fields["title"] = title
    return fields


def _outline(entries: Any, depth: int = 1) -> list[tuple[str, int]]:
    """The outline (bookmarks) flattened to (title, level), in document order."""
    flat: list[tuple[str, int]] = []
    for entry in entries or []:
        if isinstance(entry, list):
            flat.extend(_outline(entry, depth + 1))
        elif getattr(entry, "title", None):
            flat.append((str(entry.title), depth))
    return flat


def _outline_levels(lines: list[_Line], outline: list[tuple[str, int]]) -> dict[int, int]:
    """Lines that carry an outline entry's title, matched in document order."""
    levels: dict[int, int] = {}
    position = 0
    for line in lines:
        if position < len(outline) and _same(line.text, outline[position][0]):
            levels[id(line)] = outline[position][1]
            position += 1
    return levels


def _same(a: str, b: str) -> bool:
    return re.sub(r"\W+", "", a).lower() == re.sub(r"\W+", "", b).lower()


def _lines(page: Any, number: int) -> list[_Line]:
    """The page's lines with the font size and weight most of their characters are set in."""
    runs: list[tuple[str, float, bool]] = []

    def visit(text: str, cm: list[float], tm: list[float], font: Any, size: float) -> None:
        if text:
            scale = abs(tm[3] * cm[3]) or 1.0
            name = str(font.get("/BaseFont", "")) if font else ""
            runs.append((text, round(size * scale, 1), "bold" in name.lower()))

    page.extract_text(visitor_text=visit)
    lines: list[_Line] = []
    current: list[tuple[str, float, bool]] = []
    for text, size, bold in runs:
        parts = text.split("\n")
        for index, part in enumerate(parts):
            if part:
                current.append((part, size, bold))
            if index < len(parts) - 1:
                lines.extend(_merge(current, number))
                current = []
    lines.extend(_merge(current, number))
    return lines


def _merge(runs: list[tuple[str, float, bool]], page: int) -> list[_Line]:
    text = re.sub(r"\s+", " ", "".join(part for part, _, _ in runs)).strip()
    if not text:
        return []
    weight: Counter[tuple[float, bool]] = Counter()
    for part, size, bold in runs:
        weight[(size, bold)] += len(part.strip())
    (size, bold), _ = weight.most_common(1)[0]
    return [_Line(text=text, size=size, bold=bold, page=page)]


def _heading_levels(lines: list[_Line]) -> dict[int, int]:
    """Map each heading line (by identity) to its level; empty if the PDF shows no headings."""
    chars: Counter[float] = Counter()
    for line in lines:
        chars[line.size] += len(line.text)
    body = chars.most_common(1)[0][0]
    styled = [ln for ln in lines if _title_like(ln.text) and (ln.size > body + 0.5 or ln.bold)]
    if styled:
        sizes = sorted({ln.size for ln in styled}, reverse=True)
        return {id(ln): sizes.index(ln.size) + 1 for ln in styled}
    numbered: dict[int, int] = {}
    for line in lines:
        match = _NUMBERED.match(line.text)
        if match and _title_like(line.text) and not line.text.rstrip().endswith((".", ":", ";")):
            numbered[id(line)] = match.group(1).count(".") + 1
    return numbered


def _title_like(text: str) -> bool:
    """Short, capitalised, not a sentence (numbering like ``2.1`` aside)."""
    words = _NUMBERING.sub("", text)
    return (
        0 < len(text) <= MAX_HEADING_CHARS
        and sum(c.isalpha() for c in words) >= 2
        and words[:1].isupper()
        and not words.endswith((",", ";", ":"))
        and ". " not in words
        and not (words.endswith(".") and len(words.split()) > 6)
    )


def _useful_title(title: str) -> bool:
    return bool(title.strip()) and title.strip().lower() not in {"untitled", "(anonymous)"}


def _flush(builder: SectionBuilder, paragraph: list[str]) -> None:
    if paragraph:
        builder.add_block(_join(paragraph))
        paragraph.clear()


def _join(lines: list[str]) -> str:
    """Join wrapped lines into one paragraph, undoing end-of-line hyphenation."""
    text = ""
    for line in lines:
        if text.endswith("-") and line[:1].islower():
            text = text[:-1] + line
        else:
            text = f"{text} {line}" if text else line
    return text


def _pages(lines: list[_Line]) -> list[Section]:
    builder = SectionBuilder()
    page = 0
    for line in lines:
        if line.page != page:
            page = line.page
            builder.heading(1, f"Page {page}")
        builder.add_line(line.text)
    return builder.finish()
