"""Markdown: YAML front matter into metadata, ATX and setext headings into sections."""

from __future__ import annotations

import re
from typing import Any

import yaml

from aios.knowledge.loaders._read import SkipFile, humanize
from aios.knowledge.loaders._sections import SectionBuilder
from aios.knowledge.models import DocumentMeta, LoadedDocument

_ATX = re.compile(r"^ {0,3}(#{1,6})[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$")
_SETEXT = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
_FENCE = re.compile(r"^ {0,3}(```|~~~)")


def load_markdown(text: str, stem: str) -> LoadedDocument:
    front, body = split_front_matter(text)
    builder = SectionBuilder()
    fence: str | None = None
    lines = body.split("\n")
    for index, line in enumerate(lines):
        fence_match = _FENCE.match(line)
        if fence_match:
            marker = fence_match.group(1)
            fence = None if fence == marker else (fence or marker)
            builder.add_line(line)
            continue
        if fence is None:
            atx = _ATX.match(line)
            if atx:
                builder.heading(len(atx.group(1)), _inline(atx.group(2)))
                continue
            setext = _SETEXT.match(line)
            if setext and _is_setext_title(lines, index, builder):
                title = builder.pop_last_line()
                builder.heading(1 if setext.group(1)[0] == "=" else 2, _inline(title))
                continue
        builder.add_line(line)
    sections = builder.finish()
    first_h1 = next((s.heading_path[0] for s in sections if s.heading_path), None)
    meta = document_meta(front, fallback_title=first_h1 or humanize(stem))
    return LoadedDocument(meta=meta, sections=sections)


def split_front_matter(text: str) -> tuple[dict[str, Any], str]:
    """Split ``---``-fenced YAML front matter from the body; all scalars stay strings."""
    if not text.startswith("---\n"):
        return {}, text
    end = re.search(r"^(---|\.\.\.)[ \t]*$", text[4:], flags=re.MULTILINE)
    if end is None:
        raise SkipFile("front matter opened with '---' is never closed")
    raw = text[4 : 4 + end.start()]
    body = text[4 + end.end() :]
    try:
        # BaseLoader keeps every scalar a string: version 2.10 stays "2.10", dates stay as written.
        data = yaml.load(raw, Loader=yaml.BaseLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 2}" if mark is not None else ""
        raise SkipFile(f"front matter is not valid YAML{where}") from exc
    if data is None:
        return {}, body
    if not isinstance(data, dict):
        raise SkipFile("front matter is not a mapping of keys to values")
    return data, body


def document_meta(front: dict[str, Any], *, fallback_title: str) -> DocumentMeta:
    """Metadata from front-matter-like keys (unknown keys are ignored)."""
    supersedes = front.get("supersedes") or []
    if isinstance(supersedes, str):
        supersedes = [supersedes]
    return DocumentMeta(
        title=_scalar(front.get("title")) or fallback_title,
        version=_scalar(front.get("version")),
        effective=_scalar(front.get("effective")),
        owner=_scalar(front.get("owner")),
        supersedes=[s for s in (_scalar(item) for item in supersedes) if s],
        superseded_by=_scalar(front.get("superseded_by")),
    )


def _scalar(value: Any) -> str | None:
    if value is None or isinstance(value, (dict, list)):
        return None
    text = str(value).strip()
    return text if text and text.lower() not in {"null", "none", "~"} else None


def _is_setext_title(lines: list[str], index: int, builder: SectionBuilder) -> bool:
    """A '===' or '---' line underlines the line above only if that is a one-line paragraph."""
    if index == 0 or not lines[index - 1].strip():
        return False
    return index == 1 or not lines[index - 2].strip() or builder.pending_is_single_line()


def _inline(text: str) -> str:
    """Strip inline Markdown (emphasis, code, links) from a heading."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    return re.sub(r"[*_`]+", "", text).strip()
