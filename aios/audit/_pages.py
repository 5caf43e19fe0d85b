"""Reading the table in seq order, one short transaction per page.

Pages (keyset on seq, never OFFSET) keep memory bounded on a million rows, and short
transactions matter on SQLite: ``make_engine`` begins every transaction IMMEDIATE, so a reader
holds the write lock while it reads and one long read would stall every append behind it.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from sqlalchemy import ColumnElement, Engine, Row, select

from aios.audit.table import AUDIT_TABLE


def pages(
    engine: Engine,
    columns: Sequence[ColumnElement[Any]],
    size: int,
    *conditions: ColumnElement[bool],
    after: Any = None,
) -> Iterator[Sequence[Row[Any]]]:
    """Rows with seq greater than ``after``, ``size`` at a time; ``columns`` must include seq."""
    seq = AUDIT_TABLE.c.seq
    while True:
        query = select(*columns).where(*conditions).order_by(seq).limit(size)
        if after is not None:
            query = query.where(seq > after)
        with engine.connect() as conn:
            rows = conn.execute(query).all()
        if rows:
            yield rows
        if len(rows) < size:
            return
        after = rows[-1].seq
