"""Human-readable ids (CN-4001, CS-1061): the next number after the highest in the table."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func
from sqlmodel import Session, select

from connectors.record_kinds import RecordKind


def next_id(session: Session, column: Any, kind: RecordKind) -> str:
    # Ids are zero-free integers after the prefix, so the longest-then-greatest string is the max.
    newest = session.exec(
        select(column)
        .where(column.like(f"{kind.prefix}-%"))
        .order_by(func.length(column).desc(), column.desc())
        .limit(1)
    ).first()
    number = int(str(newest).split("-")[-1]) + 1 if newest else kind.first
    return kind.id(number)
