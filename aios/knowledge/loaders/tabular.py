"""CSV: rows grouped into atomic sections, every row written with its column names.

Rows are grouped by a category-like column when the file has one (contiguous runs of a few
repeated values, e.g. ``category``), else in runs that fit one chunk. Each row is rendered as
``column: value; column: value`` so the header travels with every row it describes. A table
has no headings: its sections carry none, and cite the file by its title.
"""

from __future__ import annotations

import csv
import io

from aios.knowledge.loaders._read import SkipFile, humanize
from aios.knowledge.models import DocumentMeta, LoadedDocument, Section

GROUP_CHARS = 700
MAX_ROWS_PER_GROUP = 25


def load_csv(text: str, stem: str) -> LoadedDocument:
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(
            text[:4096], delimiters=",;\t|"
        )
    except csv.Error:
        dialect = csv.excel
    try:
        rows = [
            row for row in csv.reader(io.StringIO(text), dialect) if any(c.strip() for c in row)
        ]
    except csv.Error as exc:
        raise SkipFile(f"malformed CSV: {exc}") from exc
    if len(rows) < 2:
        raise SkipFile("CSV has a header but no rows")
    header = [name.strip() or f"column {i + 1}" for i, name in enumerate(rows[0])]
    records = [_record(header, row) for row in rows[1:]]
    title = humanize(stem)
    group_column = _group_column(header, rows[1:])
    sections: list[Section] = []
    for group in _groups(records, rows[1:], group_column):
        for part in _pack(group):
            sections.append(Section(heading_path=[], text="\n".join(part), atomic=True))
    return LoadedDocument(meta=DocumentMeta(title=title), sections=sections)


def _record(header: list[str], row: list[str]) -> str:
    cells = [(name, row[i].strip() if i < len(row) else "") for i, name in enumerate(header)]
    return "; ".join(f"{name}: {value}" for name, value in cells if value)


def _group_column(header: list[str], rows: list[list[str]]) -> int | None:
    """A column whose values come in a few contiguous runs, like a category or a section."""
    for index in range(len(header)):
        values = [row[index].strip() if index < len(row) else "" for row in rows]
        runs = [v for i, v in enumerate(values) if i == 0 or v != values[i - 1]]
        distinct = set(values)
        few = "" not in distinct and 1 < len(distinct) <= max(2, len(rows) // 3)
        if few and len(runs) == len(distinct) and not _numeric(distinct):
            return index
    return None


def _numeric(values: set[str]) -> bool:
    return all(v.replace(".", "", 1).replace(",", "").isdigit() for v in values)


def _groups(records: list[str], rows: list[list[str]], column: int | None) -> list[list[str]]:
    """Records split where the grouping column changes value (one group if there is none)."""
    if column is None:
        return [records]
    groups: list[list[str]] = []
    previous: str | None = None
    for record, row in zip(records, rows, strict=True):
        value = row[column].strip()
        if not groups or value != previous:
            groups.append([])
            previous = value
        groups[-1].append(record)
    return groups


def _pack(group: list[str]) -> list[list[str]]:
    """Split a group into runs of rows that fit one chunk."""
    parts: list[list[str]] = []
    size = 0
    for record in group:
        full = parts and (size + len(record) > GROUP_CHARS or len(parts[-1]) >= MAX_ROWS_PER_GROUP)
        if not parts or full:
            parts.append([])
            size = 0
        parts[-1].append(record)
        size += len(record) + 1
    return parts
