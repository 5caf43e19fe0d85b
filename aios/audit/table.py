"""The audit table: append-only rows, each sealed by a hash over its content and the row before.

Column types are chosen so the database hands back exactly the bytes that were hashed:
timestamps and JSON are stored as text (see ``_canonical``).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Column, Table, Text
from sqlmodel import Field, SQLModel

from aios.audit._canonical import HASHED_FIELDS


class AuditRow(SQLModel, table=True):
    __tablename__ = "audit_events"

    # seq is assigned by the trail under its write lock, never by the database: a sequence or
    # autoincrement can skip numbers on rollback, and the chain must be gapless.
    seq: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    prev_hash: str = Field(max_length=64)
    hash: str = Field(max_length=64)
    recorded_at: str = Field(max_length=32)
    occurred_at: str = Field(max_length=32, index=True)
    actor: str
    on_behalf_of: str | None = None
    session_id: str = Field(index=True)
    step: str
    kind: str = Field(index=True)
    tool: str | None = None
    arguments: str = Field(sa_type=Text)
    result: str | None = Field(default=None, sa_type=Text)
    policy_decision: str | None = None
    approval_id: str | None = None
    policy_version: str | None = None


class AuditStartRow(SQLModel, table=True):
    """One row, written when the trail is first set up: the state database's own record that
    an audit trail was begun here. A trail found empty and without a head is given a head of
    seq 0 only when this row is not there yet; with it there, rows and head once existed."""

    __tablename__ = "audit_start"

    id: int = Field(default=1, primary_key=True, sa_column_kwargs={"autoincrement": False})
    started_at: str = Field(max_length=32)


AUDIT_TABLE: Table = AuditRow.__table__  # type: ignore[attr-defined]
START_TABLE: Table = AuditStartRow.__table__  # type: ignore[attr-defined]

HASHED_COLUMNS: tuple[Column[Any], ...] = tuple(AUDIT_TABLE.c[name] for name in HASHED_FIELDS)
"""The hashed columns in canonical order; selecting them (then ``hash``) gives verify its rows."""
