"""What crosses the audit trail's boundary: events in, records and verification reports out."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, JsonValue, field_validator
from pydantic_core import to_jsonable_python

from aios.audit._canonical import json_text

KIND_PATTERN = r"^[a-z_]+\.[a-z_]+$"


class AuditEvent(BaseModel):
    """One thing that happened, as the caller reports it; the trail adds seq, hashes and time."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: str = Field(
        pattern=KIND_PATTERN,
        description="What happened, as `area.verb`: tool.requested, policy.decided, …",
    )
    actor: str = Field(min_length=1, description="Who acted: the user or service identity.")
    on_behalf_of: str | None = Field(None, description="Whose request the actor carried out.")
    session_id: str = Field(min_length=1, description="The conversation or run this belongs to.")
    step: str = Field(description="Where in the run it happened, e.g. the graph node `act`.")
    tool: str | None = Field(None, description="The tool concerned, e.g. `erp.create_refund`.")
    arguments: dict[str, JsonValue] = Field(
        default_factory=dict, description="The tool's arguments, or the event's details."
    )
    result: JsonValue | None = Field(None, description="The outcome, when there is one.")
    policy_decision: str | None = Field(None, description="ALLOW, CONFIRM, APPROVE or DENY.")
    approval_id: str | None = Field(None, description="The approval this event relies on.")
    policy_version: str | None = Field(None, description="Version of the policies applied.")
    occurred_at: datetime | None = Field(
        None, description="When it happened (UTC); defaults to the time it was recorded."
    )

    @field_validator("arguments", "result", mode="before")
    @classmethod
    def _jsonable(cls, value: Any) -> Any:
        # Callers hand over typed models, Decimals and datetimes; store their JSON form.
        return to_jsonable_python(value)

    @field_validator("arguments", "result")
    @classmethod
    def _finite(cls, value: Any) -> Any:
        json_text(value)  # refuses NaN and infinity here, not halfway through an append
        return value


class AuditRecord(AuditEvent):
    """An event as stored: its place in the chain and the hashes that seal it."""

    seq: int = Field(ge=1, description="Position in the chain: 1, 2, 3, … without gaps.")
    prev_hash: str = Field(description="Hash of the previous record (64 zeros for the first).")
    hash: str = Field(description="SHA-256 of this record's canonical JSON, prev_hash included.")
    recorded_at: datetime = Field(description="When the trail stored it (UTC).")
    occurred_at: datetime = Field(description="When it happened (UTC).")


class ChainHead(BaseModel):
    """The newest row's position and hash, kept outside the table to reveal truncation."""

    model_config = ConfigDict(frozen=True)

    seq: int = Field(
        ge=0, description="seq of the newest row when it was saved; 0 for a new, empty trail."
    )
    hash: str = Field(description="hash of that row (the genesis hash for seq 0).")
    mac: str | None = Field(
        None, description="HMAC-SHA256 of seq and hash under AIOS_AUDIT_KEY, when one is set."
    )


class Break(StrEnum):
    """How a chain is broken."""

    CONTENT_EDITED = "content_edited"
    ROW_MISSING = "row_missing"
    ROWS_REORDERED = "rows_reordered"
    PREV_LINK_BROKEN = "prev_link_broken"
    TRUNCATED = "truncated"
    HEAD_MISMATCH = "head_mismatch"
    HEAD_MISSING = "head_missing"


class VerifyReport(BaseModel):
    """The outcome of re-checking every row, and the saved head, from the start."""

    ok: bool = Field(description="True when every link holds and the head agrees.")
    rows_checked: int = Field(description="Rows verified before the first break (all when ok).")
    first_broken_seq: int | None = Field(None, description="The first seq that cannot be trusted.")
    problem: Break | None = Field(None, description="What kind of break was found first.")
    reason: str | None = Field(None, description="The break, in words a person can act on.")
    last_seq: int = Field(0, description="seq of the newest row verified.")
    head: ChainHead | None = Field(None, description="The saved head verify compared against.")
    head_signed: bool = Field(
        False,
        description="The head's HMAC was checked with AIOS_AUDIT_KEY: a rewrite of the table "
        "and the head together would have shown.",
    )
    rows_after_head: int = Field(
        0,
        description="Rows newer than the saved head: appends racing verify, or a crash between "
        "commit and head write; a large number deserves a look (appended rows are not anchored).",
    )
