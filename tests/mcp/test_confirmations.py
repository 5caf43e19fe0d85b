"""Confirmation ids: one user, one tool, exactly its arguments, until they expire."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from aios.mcp.confirmations import ConfirmationRefused, ConfirmationSeal

ARGS = {"invoice_id": "INV-2038", "amount": "45.00", "reason": "damaged"}


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


def test_an_id_confirms_its_own_call_until_it_expires():
    clock = Clock()
    seal = ConfirmationSeal(timedelta(minutes=10), clock)
    ident, expires = seal.issue("alice", "erp.create_refund", ARGS)
    assert expires == clock.now + timedelta(minutes=10)
    nonce = seal.check(ident, "alice", "erp.create_refund", dict(reversed(ARGS.items())))
    assert nonce and seal.check(ident, "alice", "erp.create_refund", ARGS) == nonce
    clock.now += timedelta(minutes=10)
    with pytest.raises(ConfirmationRefused, match="expired at 09:10 UTC"):
        seal.check(ident, "alice", "erp.create_refund", ARGS)


@pytest.mark.parametrize(
    ("user", "tool", "args"),
    [
        ("bob", "erp.create_refund", ARGS),
        ("alice", "erp.cancel_order", ARGS),
        ("alice", "erp.create_refund", {**ARGS, "amount": "45.01"}),
        ("alice", "erp.create_refund", {**ARGS, "note": "extra"}),
    ],
)
def test_an_id_confirms_nothing_else(user, tool, args):
    seal = ConfirmationSeal(timedelta(minutes=10), Clock())
    ident, _ = seal.issue("alice", "erp.create_refund", ARGS)
    with pytest.raises(ConfirmationRefused, match="not given for this call"):
        seal.check(ident, user, tool, args)


def test_a_forged_or_foreign_id_is_refused():
    seal = ConfirmationSeal(timedelta(minutes=10), Clock())
    ident, _ = seal.issue("alice", "erp.create_refund", ARGS)
    nonce, expires, mac = ident.removeprefix("CF-").split(".")
    later = f"CF-{nonce}.{int(expires) + 3600}.{mac}"  # a longer life, under the old MAC
    other_server = ConfirmationSeal(timedelta(minutes=10), Clock())
    for forged in (later, ident.upper()):
        with pytest.raises(ConfirmationRefused):
            seal.check(forged, "alice", "erp.create_refund", ARGS)
    with pytest.raises(ConfirmationRefused):
        other_server.check(ident, "alice", "erp.create_refund", ARGS)
    with pytest.raises(ConfirmationRefused, match="is not a confirmation id"):
        seal.check("yes please", "alice", "erp.create_refund", ARGS)
