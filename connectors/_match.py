"""Case-insensitive text filters that treat ``%`` and ``_`` typed by a user literally."""

from __future__ import annotations

from typing import Any


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def contains(column: Any, text: str) -> Any:
    return column.ilike(f"%{_escape(text)}%", escape="\\")


def equals_ignoring_case(column: Any, text: str) -> Any:
    return column.ilike(_escape(text), escape="\\")
