"""A passage cut into the units an answer can quote: sentences, list items, table rows.

An answer quotes one unit, not a passage: "within 90 days of delivery" is one sentence of a
paragraph that also explains how delivery dates are recorded. A table row is a unit with its
header (a row's cells mean little without their columns), kept as a Markdown table so that it
still reads as a table wherever it is shown.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from aios.knowledge.tables import SEPARATOR, cells, is_row, row_sentence

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[\"'(\[*`]?[A-Z0-9$])")
_LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")
_QUOTE = re.compile(r"^\s*>\s?")
_EMPHASIS = re.compile(r"\*\*|__")
_RECORD = re.compile(r"^[\w ]{1,40}: [^;]*(?:; [\w ]{1,40}: [^;]*)+$")
"""A CSV row as the tabular loader writes it ("sku: SKU-SF-001; name: …; price_usd: 84.00"):
one record a line, each its own unit, never run together with the next."""
MIN_CHARS = 12
"""Shorter pieces ("Not discounts:") say nothing on their own."""


@dataclass(frozen=True)
class Unit:
    text: str
    """As shown: a sentence or list item, or a table's header, separator and one row."""
    plain: str
    """As compared with a question: a table row as one sentence with its column names."""
    table: bool = False


def split_units(text: str) -> list[Unit]:
    """The quotable units of a passage, in order."""
    lines = text.split("\n")
    units: list[Unit] = []
    paragraph: list[str] = []

    def flush() -> None:
        if paragraph:
            units.extend(_sentences(" ".join(paragraph)))
            paragraph.clear()

    index = 0
    while index < len(lines):
        line = _QUOTE.sub("", lines[index]).strip()
        if is_row(line) and index + 1 < len(lines) and SEPARATOR.match(lines[index + 1]):
            flush()
            header, separator = line, lines[index + 1].strip()
            index += 2
            while index < len(lines) and is_row(lines[index]):
                row = lines[index].strip()
                units.append(
                    Unit(
                        text=f"{header}\n{separator}\n{row}",
                        plain=row_sentence(cells(header), cells(row)),
                        table=True,
                    )
                )
                index += 1
            continue
        if not line:
            flush()
        elif _LIST_ITEM.match(line) or _RECORD.match(line):
            flush()
            units.extend(_sentences(_LIST_ITEM.sub("", line), whole=True))
        else:
            paragraph.append(line)
        index += 1
    flush()
    return [unit for unit in units if len(unit.plain) >= MIN_CHARS]


def _sentences(text: str, *, whole: bool = False) -> list[Unit]:
    # A chunk that starts with the overlap of the one before marks it with an ellipsis.
    text = _EMPHASIS.sub("", text.removeprefix("… ")).strip()
    pieces = [text] if whole else _SENTENCE_END.split(text)
    return [Unit(text=piece.strip(), plain=piece.strip()) for piece in pieces if piece.strip()]
