"""Idempotency keys, stored by each system next to the data they protect.

As payment APIs do: a repeated key returns the first result; the same key with other
arguments is refused. The key row is inserted in the same transaction as the write, so either
both exist or neither does.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Any

from pydantic import BaseModel
from sqlmodel import Field, SQLModel


class IdempotencyRecord(SQLModel, table=True):
    __tablename__ = "idempotency_keys"

    key: str = Field(primary_key=True, max_length=200)
    operation: str
    args_hash: str
    result_json: str
    created_at: datetime


def args_hash(operation: str, args: dict[str, Any]) -> str:
    canonical = json.dumps(
        {"operation": operation, "args": args}, sort_keys=True, separators=(",", ":"), default=str
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


class WriteLookup(BaseModel):
    """What a system's idempotency store says of one key: whether a write with it was made,
    and if so which operation and what it answered (``System.find_write``). A reconciler asks
    this for a write the audit trail saw requested but never saw the outcome of."""

    key: str
    found: bool
    operation: str | None = None
    result: dict[str, Any] | None = None
    created_at: datetime | None = None
