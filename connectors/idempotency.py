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
