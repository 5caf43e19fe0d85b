"""Exports hold exactly one session's records, in order, in JSON Lines or CSV."""

from __future__ import annotations

import csv
import io
import json

import pytest

from aios.audit import AuditTrail
from aios.audit.export import CSV_COLUMNS
from tests.audit.conftest import event


@pytest.fixture
def two_sessions(trail: AuditTrail) -> AuditTrail:
    trail.append_many([event(i, session_id="s-a" if i % 3 else "s-b") for i in range(12)])
    return trail


def test_jsonl_export_holds_exactly_that_session(two_sessions: AuditTrail) -> None:
    lines = list(two_sessions.export("s-b", "jsonl"))

    rows = [json.loads(line) for line in lines]
    assert all(line.endswith("\n") for line in lines)
    assert [r["seq"] for r in rows] == [1, 4, 7, 10]
    assert {r["session_id"] for r in rows} == {"s-b"}
    assert rows[0]["arguments"] == {"order_id": "SO-1000", "amount_cents": 0, "note": "é ✓"}
    assert rows == [r.model_dump(mode="json") for r in two_sessions.records(session_id="s-b")]


def test_csv_export_holds_exactly_that_session(two_sessions: AuditTrail) -> None:
    text = "".join(two_sessions.export("s-a", "csv"))

    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert tuple(rows[0]) == CSV_COLUMNS
    assert [int(r["seq"]) for r in rows] == [2, 3, 5, 6, 8, 9, 11, 12]
    assert {r["session_id"] for r in rows} == {"s-a"}
    assert json.loads(rows[0]["result"]) == {"refund_id": "RF-1"}
    assert rows[1]["result"] == ""
    assert json.loads(rows[1]["arguments"])["order_id"] == "SO-1002"


def test_unknown_session_exports_nothing(two_sessions: AuditTrail) -> None:
    assert list(two_sessions.export("nobody", "jsonl")) == []
    assert list(two_sessions.export("nobody", "csv")) == [",".join(CSV_COLUMNS) + "\r\n"]


def test_unknown_format_is_refused(two_sessions: AuditTrail) -> None:
    with pytest.raises(ValueError):
        two_sessions.export("s-a", "xml")
