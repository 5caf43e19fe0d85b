"""Rendering records for people and other tools: JSON Lines or CSV, one line at a time."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from enum import StrEnum
from typing import Any

from aios.audit._canonical import json_text
from aios.audit.models import AuditRecord
from aios.audit.table import AUDIT_TABLE


class ExportFormat(StrEnum):
    JSONL = "jsonl"
    CSV = "csv"


CSV_COLUMNS: tuple[str, ...] = tuple(column.name for column in AUDIT_TABLE.c)
"""Every stored column, in table order; ``arguments`` and ``result`` cells hold JSON text."""


def export_lines(records: Iterable[AuditRecord], fmt: ExportFormat) -> Iterator[str]:
    """Each record as one JSON line, or a CSV header then one row per record (JSON cells)."""
    if fmt is ExportFormat.JSONL:
        for record in records:
            yield record.model_dump_json() + "\n"
        return
    yield _csv_line(CSV_COLUMNS)
    for record in records:
        cells = record.model_dump(mode="json")
        cells["arguments"] = json_text(record.arguments)
        cells["result"] = None if record.result is None else json_text(record.result)
        yield _csv_line([cells[name] for name in CSV_COLUMNS])


def _csv_line(values: Sequence[Any]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer).writerow(values)
    return buffer.getvalue()
