"""Appending builds one gapless, correctly linked chain that verifies."""

from __future__ import annotations

import hashlib
import json
import random
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

from aios.audit import AuditEvent, AuditTrail, ChainHead, FileHeadStore
from aios.audit._canonical import GENESIS, HASHED_FIELDS, row_hash, timestamp_text
from tests.audit.conftest import T0, Backend, event


def test_append_then_verify(trail: AuditTrail) -> None:
    records = [trail.append(event(i)) for i in range(10)]

    report = trail.verify()

    assert report.ok, report.reason
    assert report.rows_checked == 10
    assert report.head == ChainHead(seq=10, hash=records[-1].hash)
    assert [r.seq for r in records] == list(range(1, 11))


def test_chain_links_each_row_to_the_one_before(trail: AuditTrail) -> None:
    trail.append_many([event(i) for i in range(5)])
    trail.append(event(5))

    records = list(trail.records())

    assert [r.seq for r in records] == [1, 2, 3, 4, 5, 6]
    assert records[0].prev_hash == GENESIS
    for before, after in pairwise(records):
        assert after.prev_hash == before.hash
    for record in records:  # each hash is SHA-256 over the documented canonical JSON
        assert record.hash == _reference_hash(record)


def _reference_hash(record: object) -> str:
    assert isinstance(record, BaseModel)
    data = record.model_dump()
    row = {name: data[name] for name in HASHED_FIELDS}
    row["arguments"] = json.dumps(
        data["arguments"], sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )
    if data["result"] is not None:
        row["result"] = json.dumps(
            data["result"], sort_keys=True, separators=(",", ":"), ensure_ascii=False
        )
    for name in ("recorded_at", "occurred_at"):
        row[name] = data[name].isoformat(timespec="microseconds")
    canonical = json.dumps(row, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def test_row_hash_equals_json_dumps_for_any_text() -> None:
    rng = random.Random(7)
    alphabet = 'ab"\\/\n\t\x00\x1f\x7fé✓\u2028😀{}[],:'
    for _ in range(500):
        row: dict[str, object] = {
            name: "".join(rng.choices(alphabet, k=rng.randint(0, 12))) for name in HASHED_FIELDS
        }
        row[rng.choice(HASHED_FIELDS)] = None
        row["seq"] = rng.randint(1, 10**12)
        canonical = json.dumps(row, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        expected = hashlib.sha256(canonical.encode()).hexdigest()
        assert row_hash(row[n] for n in HASHED_FIELDS) == expected


def test_records_filter_by_session_and_resume_after_seq(trail: AuditTrail) -> None:
    trail.append_many([event(i, session_id=f"s-{i % 2}") for i in range(10)])

    assert [r.seq for r in trail.records(session_id="s-1")] == [2, 4, 6, 8, 10]
    assert [r.seq for r in trail.records(since_seq=7)] == [8, 9, 10]
    assert [r.seq for r in trail.records(session_id="s-0", since_seq=5)] == [7, 9]


def test_records_read_back_what_was_appended(trail: AuditTrail) -> None:
    appended = trail.append(event(1, occurred_at=T0 - timedelta(seconds=5)))

    (record,) = trail.records()

    assert record == appended
    assert record.arguments == {"order_id": "SO-1001", "amount_cents": 100, "note": "é ✓"}
    assert record.result == {"refund_id": "RF-1"}
    assert record.occurred_at == T0 - timedelta(seconds=5)
    assert record.recorded_at == T0 + timedelta(milliseconds=1)


def test_records_are_paged_in_bounded_batches(backend: Backend) -> None:
    trail = backend.trail()
    trail.page_size = 7
    trail.append_many([event(i) for i in range(50)])

    assert [r.seq for r in trail.records()] == list(range(1, 51))
    assert trail.verify().ok


def test_times_are_stored_as_utc() -> None:
    local = timezone(timedelta(hours=2))
    aware = AuditEvent(
        kind="tool.requested",
        actor="a",
        session_id="s",
        step="act",
        occurred_at=datetime(2026, 1, 1, 14, 0, tzinfo=local),
    )
    assert aware.occurred_at is not None
    assert timestamp_text(aware.occurred_at) == "2026-01-01T12:00:00.000000"
    assert timestamp_text(datetime(2026, 1, 1, 12, tzinfo=UTC)) == "2026-01-01T12:00:00.000000"


def test_arguments_accept_typed_values() -> None:
    class Refund(BaseModel):
        amount: Decimal
        when: datetime

    e = event(arguments={"refund": Refund(amount=Decimal("12.50"), when=T0)})
    assert e.arguments == {"refund": {"amount": "12.50", "when": "2026-11-20T12:00:00"}}


@pytest.mark.parametrize(
    "overrides",
    [
        {"kind": "Tool.Requested"},
        {"kind": "tool"},
        {"kind": "tool.requested.twice"},
        {"actor": ""},
        {"arguments": {"x": float("nan")}},
        {"unknown": 1},
    ],
)
def test_bad_events_are_refused_before_the_trail(overrides: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        event(**overrides)


def test_empty_trail_verifies(trail: AuditTrail) -> None:
    report = trail.verify()
    assert report.ok
    assert report.rows_checked == 0


def test_append_many_of_nothing_writes_nothing(trail: AuditTrail) -> None:
    assert trail.append_many([]) == []
    assert list(trail.records()) == []


def test_head_only_moves_forward(tmp_path: Path) -> None:
    store = FileHeadStore(tmp_path / "audit.head")
    store.write(ChainHead(seq=5, hash="b" * 64))
    store.write(ChainHead(seq=4, hash="a" * 64))  # a slower writer finishing late

    assert store.read() == ChainHead(seq=5, hash="b" * 64)
    assert [p.name for p in tmp_path.iterdir() if p.suffix == ".tmp"] == []


def test_rows_past_the_saved_head_are_reported_not_failed(backend: Backend) -> None:
    trail = backend.trail()
    trail.append_many([event(i) for i in range(3)])
    unanchored = AuditTrail(backend.engine, None, clock=trail.clock)
    unanchored.append(event(3))  # as if the process died between commit and head write

    report = trail.verify()

    assert report.ok
    assert report.rows_after_head == 1
