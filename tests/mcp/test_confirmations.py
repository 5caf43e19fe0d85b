"""Pending confirmations in the state database: one user, one tool, exactly its arguments,
until they expire; answered once, whichever process takes the answer."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from aios.db import open_database
from aios.mcp.confirmations import ConfirmationRefused, Confirmations, ConfirmationStatus
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
        Confirmations(open_database(settings, "state"), timedelta(minutes=10), clock)
        for _ in range(2)
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
