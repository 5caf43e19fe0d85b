"""Markdown tables as sentences for the model: each row with its column names.

A table's pipes and dashes mean nothing to a sentence encoder, and a row's cells mean little
without their header ("Orders from $500" is the gold tier's free-shipping threshold only by
its column and row). Passages keep their table as written, for people; what is embedded and
indexed reads ``Free shipping: Platinum: All orders; Gold: Orders from $500; …``.
"""

from __future__ import annotations

import re

SEPARATOR = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")


def linearize_tables(text: str) -> str:
    """``text`` with every Markdown table rewritten as one line per row."""
    lines = text.split("\n")
    out: list[str] = []
    index = 0
    while index < len(lines):
        if is_row(lines[index]) and index + 1 < len(lines) and SEPARATOR.match(lines[index + 1]):
            header = cells(lines[index])
            index += 2
            while index < len(lines) and is_row(lines[index]):
                out.append(row_sentence(header, cells(lines[index])))
                index += 1
            continue
        out.append(lines[index])
        index += 1
    return "\n".join(out)


def is_row(line: str) -> bool:
    return line.lstrip().startswith("|")


def cells(line: str) -> list[str]:
    return [cell.strip() for cell in line.strip().strip("|").split("|")]


def row_sentence(header: list[str], row: list[str]) -> str:
    """The first cell names the row; the others are labelled by their column."""
    first, rest = (row[0], row[1:]) if row else ("", [])
    pairs = [f"{name}: {value}" for name, value in zip(header[1:], rest, strict=False) if value]
    return f"{first}: {'; '.join(pairs)}" if pairs else first
