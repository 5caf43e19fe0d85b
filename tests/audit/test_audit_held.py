"""Held rows (``AuditTrail.hold`` inside ``together``): one append for many rows, in the
order things happened, never lost by an exception, and chained like any other row."""

from __future__ import annotations

import pytest

from aios.audit import AuditTrail, flush_held
from tests.audit.conftest import event


def _args(trail: AuditTrail) -> list[object]:
    return [r.arguments["order_id"] for r in trail.records()]


def test_held_rows_wait_for_the_end_of_the_block_and_go_in_one_head_write(
    trail: AuditTrail,
) -> None:
    with trail.together():
        trail.hold(event(0))
        trail.hold(event(1))
        assert _args(trail) == []
    assert _args(trail) == ["SO-1000", "SO-1001"]
    head = trail.head.read() if trail.head else None
    assert head is not None and head.seq == 2
    assert trail.verify().ok


def test_an_append_takes_the_held_rows_first(trail: AuditTrail) -> None:
    with trail.together():
        trail.hold(event(0))
        [appended] = trail.append_many([event(1)])
        assert appended.seq == 2
        assert _args(trail) == ["SO-1000", "SO-1001"]
        trail.hold(event(2))
        flush_held()
        assert _args(trail) == ["SO-1000", "SO-1001", "SO-1002"]
    assert trail.verify().ok


def test_an_exception_does_not_lose_the_held_rows(trail: AuditTrail) -> None:
    with pytest.raises(RuntimeError), trail.together():
        trail.hold(event(0))
        raise RuntimeError("the node died")
    assert _args(trail) == ["SO-1000"]


def test_outside_a_block_hold_appends_at_once(trail: AuditTrail) -> None:
    trail.hold(event(0))
    assert _args(trail) == ["SO-1000"]


def test_a_held_row_keeps_the_time_it_happened(backend) -> None:
    trail = backend.trail()
    with trail.together():
        trail.hold(event(0))
        trail.hold(event(1))
    first, second = trail.records()
    assert first.occurred_at < second.occurred_at <= second.recorded_at
