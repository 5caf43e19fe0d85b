"""HTML: headings (h1 to h6) into sections, blocks into paragraphs, meta tags into metadata."""

from __future__ import annotations

import re

from bs4 import BeautifulSoup, Tag

from aios.knowledge.loaders._read import humanize
from aios.knowledge.loaders._sections import SectionBuilder
from aios.knowledge.loaders.markdown import document_meta
from aios.knowledge.models import LoadedDocument

_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_BLOCKS = {"p", "li", "pre", "tr", "dt", "dd", "blockquote", "figcaption", "caption", "address"}
_NOISE = ["script", "style", "noscript", "template", "nav", "footer", "form", "svg"]
_META_KEYS = ("title", "version", "effective", "owner", "supersedes", "superseded_by")


def load_html(text: str, stem: str) -> LoadedDocument:
    soup = BeautifulSoup(text, "html.parser")
    front: dict[str, str] = {}
    for tag in soup.find_all("meta"):
        name = str(tag.get("name") or "").lower().replace("-", "_")
        if name in _META_KEYS and tag.get("content"):
            front[name] = str(tag["content"])
    if "title" not in front and soup.title and soup.title.get_text(strip=True):
        front["title"] = soup.title.get_text(" ", strip=True)
    for noise in soup.find_all(_NOISE):
        noise.decompose()

    root = soup.find("main") or soup.find("article") or soup.body or soup
    builder = SectionBuilder()
    wanted = sorted(_HEADINGS | _BLOCKS)
    first_h1: str | None = None
    for element in root.find_all(wanted):
        if not isinstance(element, Tag) or _inside_block(element):
            continue
        if element.name in _HEADINGS:
            heading = _text(element)
            first_h1 = first_h1 or (heading if element.name == "h1" else None)
            builder.heading(int(element.name[1]), heading)
        elif element.name == "tr":
            _add_row(builder, element)
        elif element.name == "li":
            builder.add_line(f"- {_text(element)}")
        else:
            builder.add_block(_text(element, keep_lines=element.name == "pre"))
    sections = builder.finish()
    if not sections:  # no block markup at all: fall back to the visible text
        loose = SectionBuilder()
        loose.add_block(_text(root))
        sections = loose.finish()
    meta = document_meta(front, fallback_title=first_h1 or humanize(stem))
    return LoadedDocument(meta=meta, sections=sections)


def _add_row(builder: SectionBuilder, row: Tag) -> None:
    """A table row as a Markdown one; the first row of its table is the header, so a row
    can be quoted with its column names and shown as a table (``units``, ``tables``)."""
    cells = [_text(cell).replace("|", "/") for cell in row.find_all(["th", "td"])]
    builder.add_line(f"| {' | '.join(cells)} |")
    table = row.find_parent("table")
    if table is not None and table.find("tr") is row:
        builder.add_line("|" + "---|" * len(cells))


def _inside_block(element: Tag) -> bool:
    """Nested blocks (a <p> inside an <li>) were already taken with their parent's text."""
    return any(parent.name in _BLOCKS for parent in element.parents)


def _text(element: Tag, *, keep_lines: bool = False) -> str:
    if keep_lines:
        return element.get_text().strip("\n")
    return re.sub(r"\s+", " ", element.get_text(" ")).strip()
