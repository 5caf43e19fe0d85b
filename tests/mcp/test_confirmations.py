"""Pending confirmations in the state database: one user, one tool, exactly its arguments,
until they expire; answered once, whichever process takes the answer; a confirmed one carried
out under a lease that another worker takes over once it runs out."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from aios.db import open_database
from aios.mcp.confirmations import LEASE, ConfirmationRefused, Confirmations, ConfirmationStatus
from tests.settings import checkout_settings

ARGS = {"invoice_id": "INV-2038", "amount": "45.00", "reason": "damaged"}
TOOL = "erp.create_refund"


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def two(tmp_path) -> tuple[Clock, Confirmations, Confirmations]:
    """Two workers' stores on one state database, and their clock."""
    settings = checkout_settings(tmp_path / "data")
    clock = Clock()
    stores = [
        Confirmations(
            open_database(settings, "state"), timedelta(minutes=10), clock, worker=f"worker-{i}"
        )
        for i in (1, 2)
    ]
    return clock, stores[0], stores[1]


def _issue(store: Confirmations, user: str = "alice"):
    return store.issue(user, TOOL, ARGS, reason="refunds", client="desk 1", key_of=str.lower)


def test_an_id_is_answered_once_by_any_worker(two):
    clock, first, second = two
    held = _issue(first)
    assert held.idempotency_key == held.id.lower()
    assert held.expires_at == clock.now + timedelta(minutes=10)
    assert [c.id for c in second.of("alice")] == [held.id] and second.of("bob") == []

    reordered = dict(reversed(ARGS.items()))
    taken = second.answer(held.id, "alice", "confirm", "mcp", call=(TOOL, reordered))
    assert taken.status is ConfirmationStatus.CONFIRMED and taken.decided_via == "mcp"
    second.record_outcome(held.id, "It ran once.")
    for store, answer in ((first, "confirm"), (second, "decline")):
        with pytest.raises(ConfirmationRefused, match="already confirmed in mcp at 09:00 UTC"):
            store.answer(held.id, "alice", answer, "terminal")  # type: ignore[arg-type]
    with pytest.raises(ConfirmationRefused, match=r"It ran once\. Nothing more was done\."):
        first.answer(held.id, "alice", "confirm", "mcp")
    assert first.of("alice") == [] and [c.id for c in first.of("alice", every=True)] == [held.id]


def test_an_id_expires(two):
    clock, first, second = two
    held = _issue(first)
    clock.now += timedelta(minutes=10)
    assert second.of("alice") == []
    with pytest.raises(ConfirmationRefused, match="expired at 09:10 UTC"):
        second.answer(held.id, "alice", "confirm", "terminal")


@pytest.mark.parametrize(
    ("user", "call"),
    [
        ("bob", None),
        ("alice", ("erp.cancel_order", ARGS)),
        ("alice", (TOOL, {**ARGS, "amount": "45.01"})),
        ("alice", (TOOL, {**ARGS, "note": "extra"})),
    ],
)
def test_an_id_confirms_nothing_else(two, user, call):
    _, first, second = two
    held = _issue(first)
    with pytest.raises(ConfirmationRefused, match="not given for this call"):
        second.answer(held.id, user, "confirm", "mcp", call=call)
    assert second.get(held.id).status is ConfirmationStatus.PENDING


def test_an_unknown_or_malformed_id_is_refused(two):
    _, first, _ = two
    held = _issue(first)
    with pytest.raises(ConfirmationRefused, match="not given for this call"):
        first.answer("CF-" + "0" * 32, "alice", "confirm", "mcp")
    for malformed in (held.id.upper(), "yes please"):
        with pytest.raises(ConfirmationRefused, match="is not a confirmation id"):
            first.answer(malformed, "alice", "confirm", "mcp")


def test_a_confirmed_call_is_leased_and_taken_over_once_its_worker_is_gone(two):
    clock, first, second = two
    held = _issue(first)
    taken = first.answer(held.id, "alice", "confirm", "web")
    assert (taken.taken_by, taken.lease_until) == ("worker-1", clock.now + LEASE)
    # worker-1 dies here, before the write: its lease holds the call meanwhile.
    for answer in ("confirm", "decline"):
        with pytest.raises(ConfirmationRefused, match="being carried out now") as refused:
            second.answer(held.id, "alice", answer, "terminal")  # type: ignore[arg-type]
        assert refused.value.refusal == "running"

    clock.now += LEASE
    with pytest.raises(ConfirmationRefused, match="being carried out now"):
        second.answer(held.id, "alice", "decline", "terminal")  # confirmed: too late to drop
    with pytest.raises(ConfirmationRefused, match="not given for this call"):
        second.answer(held.id, "bob", "confirm", "terminal")
    retaken = second.answer(held.id, "alice", "confirm", "terminal")
    assert (retaken.taken_by, retaken.lease_until) == ("worker-2", clock.now + LEASE)
    assert retaken.idempotency_key == held.idempotency_key  # the write is the same write
    assert (retaken.decided_via, retaken.decided_at) == ("web", taken.decided_at)
    with pytest.raises(ConfirmationRefused, match="being carried out now"):
        first.answer(held.id, "alice", "confirm", "mcp")  # worker-2's lease holds now

    second.record_outcome(held.id, "It ran once.")
    done = first.get(held.id)
    assert done is not None and done.lease_until is None and not done.abandoned(clock.now)
    clock.now += LEASE
    with pytest.raises(ConfirmationRefused, match=r"It ran once\. Nothing more") as refused:
        first.answer(held.id, "alice", "confirm", "mcp")
    assert refused.value.refusal == "answered"
