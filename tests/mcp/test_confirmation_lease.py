"""A worker that dies between taking a confirmation and finishing its call (issue 21): the
confirmation is not stuck, and the write is booked once. Two workers' stores on one real state
database and the demo ERP; a worker's death is its lease left to run out, before its write or
after it (the write done, its outcome never recorded)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from aios.audit import open_trail
from aios.cli.tools import open_direct_calls
from aios.db import open_database
from aios.direct import Via
from aios.identity import demo_users
from aios.mcp.confirmations import LEASE, ConfirmationRefused, Confirmations
from aios.mcp.pending import PendingCalls
from connectors.demo import _planted as planted
from connectors.erp.models import Refund
from tests.mcp.test_confirmations import Clock

REFUND = {"invoice_id": planted.DAMAGED_INVOICE, "amount": "45.00", "reason": "damaged"}


@pytest.fixture
def workers(demo_settings) -> tuple[Clock, PendingCalls, PendingCalls]:
    clock = Clock()

    def worker(name: str) -> PendingCalls:
        held = Confirmations(
            open_database(demo_settings, "state"), timedelta(minutes=10), clock, worker=name
        )
        return PendingCalls(open_direct_calls(demo_settings), held)

    return clock, worker("worker-1"), worker("worker-2")


def _via(channel: str, ident: str) -> Via:
    return Via(channel, "tests", channel, f"{channel}-1", ident)


def _refunds(rows, cents: int) -> list[Refund]:
    return [
        r
        for r in rows("erp", Refund)
        if r.invoice_id == planted.DAMAGED_INVOICE and r.amount_cents == cents
    ]


@pytest.mark.parametrize("wrote", [False, True], ids=["died-before-write", "died-after-write"])
def test_an_abandoned_confirmation_is_taken_over_and_written_once(
    workers, rows, demo_settings, wrote
):
    clock, first, second = workers
    alice = demo_users()["alice"]
    args = {**REFUND, "amount": "41.00" if wrote else "42.00"}
    cents = 4100 if wrote else 4200
    held = first.confirmations.issue(
        "alice", "erp.create_refund", args, reason="refunds", client="desk", key_of=_key
    )
    first.confirmations.answer(held.id, "alice", "confirm", "web")
    if wrote:  # the write went through; the worker died before recording what came of it
        first.direct.call(
            alice, held.tool, held.arguments, confirmed=True,
            idempotency_key=held.idempotency_key, via=_via("web", held.id),
        )  # fmt: skip
    assert len(_refunds(rows, cents)) == int(wrote)

    with pytest.raises(ConfirmationRefused, match="being carried out now"):
        second.answer(alice, held.id, "confirm", _via("terminal", held.id))
    clock.now += LEASE
    finished, done = second.answer(alice, held.id, "confirm", _via("terminal", held.id))

    assert done is not None and finished.taken_by == "worker-2"
    assert finished.outcome == "It ran once." and finished.lease_until is None
    [refund] = _refunds(rows, cents)
    assert done.result is not None and done.result["id"] == refund.id
    with pytest.raises(ConfirmationRefused, match="already confirmed in web"):
        first.answer(alice, held.id, "confirm", _via("api", held.id))
    assert open_trail(demo_settings).verify().ok


def _key(ident: str) -> str:
    return "lease-test-" + ident.removeprefix("CF-")
