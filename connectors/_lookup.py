"""Fetch-or-NotFound for records, so every operation words the error the same way."""

from __future__ import annotations

from typing import TypeVar

from sqlmodel import Session, SQLModel

from connectors.errors import NotFound

Row = TypeVar("Row", bound=SQLModel)


def get_or_404(session: Session, model: type[Row], key: str | int, what: str) -> Row:
    row = session.get(model, key)
    if row is None:
        raise NotFound(f"no {what} {key!r}", kind=what, id=key)
    return row
