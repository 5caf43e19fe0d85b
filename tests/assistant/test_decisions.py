"""A decision answers the confirmation it was shown, or nothing at all (issue 24, point 1)."""

from __future__ import annotations

from aios.assistant.decisions import DecisionRefused, Shown
from connectors.demo import _planted as planted
from connectors.erp.models import Refund
from tests.assistant.conftest import kinds

REQUEST = "refund $5 on order SO-1042, damaged"


def _refunds(rows):
    return [r for r in rows("erp", Refund) if r.invoice_id == planted.DAMAGED_INVOICE]


def _card(events):
    return next(e for e in events if e.type == "confirmation_required")


def test_each_confirmation_has_an_id_and_the_hash_of_what_it_shows(runtime, users):
    alice = users["alice"]
    a = _card(runtime.assistant.handle("d0", alice, REQUEST))
    assert a.id.startswith("CF-") and len(a.args_hash) == 64
    again = runtime.assistant.pending("d0")
    assert (again.id, again.args_hash) == (a.id, a.args_hash)  # the same card, re-read
    b = _card(runtime.assistant.handle("d0", alice, "no, make it $4"))
    assert b.id != a.id and b.args_hash != a.args_hash


def test_a_decision_on_a_replaced_card_is_refused_and_the_new_one_still_waits(runtime, users, rows):
    alice = users["alice"]
    before = len(_refunds(rows))
    a = _card(runtime.assistant.handle("d1", alice, REQUEST))
    b = _card(runtime.assistant.handle("d1", alice, "no, make it $4"))
    assert b.args["amount"] == "4.00"

    refused = list(runtime.assistant.resume("d1", alice, "approve", shown=Shown.of(a)))
    assert kinds(refused) == ["error", "done"]
    assert refused[0].code == "replaced" and "replaced" in refused[0].message
    assert refused[-1].status == "awaiting_confirmation"
    assert len(_refunds(rows)) == before  # nothing written
    try:
        runtime.assistant.verify("d1", Shown.of(a))
    except DecisionRefused as refusal:
        assert refusal.code == "replaced"
    else:
        raise AssertionError("a stale card was taken as current")

    still = runtime.assistant.pending("d1")
    assert still is not None and still.id == b.id
    done = list(runtime.assistant.resume("d1", alice, "approve", shown=Shown.of(b)))
    assert "error" not in kinds(done)
    assert [r.amount_cents for r in _refunds(rows)[before:]] == [400]


def test_a_card_with_other_arguments_under_the_same_id_is_refused(runtime, users, rows):
    alice = users["alice"]
    before = len(_refunds(rows))
    a = _card(runtime.assistant.handle("d2", alice, REQUEST))
    forged = Shown(a.id, "0" * 64)
    refused = list(runtime.assistant.resume("d2", alice, "approve", shown=forged))
    assert refused[0].code == "replaced"
    assert len(_refunds(rows)) == before


def test_a_second_decision_on_a_decided_card_is_told_it_was_decided(runtime, users, rows):
    alice = users["alice"]
    before = len(_refunds(rows))
    a = _card(runtime.assistant.handle("d3", alice, REQUEST))
    list(runtime.assistant.resume("d3", alice, "approve", shown=Shown.of(a)))
    again = list(runtime.assistant.resume("d3", alice, "approve", shown=Shown.of(a)))
    assert again[0].code in {"already_decided", "replaced"}
    # A typed "yes" after the card was decided is not a new request either.
    typed = list(runtime.assistant.handle("d3", alice, "yes"))
    assert kinds(typed) == ["error", "done"] and typed[0].code in {"already_decided", "replaced"}
    assert len(_refunds(rows)) == before + 1


def test_a_typed_yes_answers_the_card_shown_last(runtime, users, rows):
    alice = users["alice"]
    before = len(_refunds(rows))
    list(runtime.assistant.handle("d4", alice, REQUEST))
    list(runtime.assistant.handle("d4", alice, "no, make it $4"))
    list(runtime.assistant.handle("d4", alice, "yes"))
    assert [r.amount_cents for r in _refunds(rows)[before:]] == [400]
