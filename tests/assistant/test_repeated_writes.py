"""A repeated write is shown before it is confirmed (issue 24, point 6): one invoice took eight
credit notes in twelve minutes and nobody was told."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from aios.graph.history import repeats
from aios.policy.totals import PastWrite
from tests.assistant.conftest import kinds

NOW = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)


def _note(case: str, ago: timedelta, ref: str) -> PastWrite:
    return PastWrite(
        tool="crm.add_note",
        values={"case_id": case, "body": "called back", "id": ref},
        operator="alice",
        at=NOW - ago,
        ref=ref,
    )


def test_repeats_name_the_same_record_in_the_last_day_only():
    history = [
        _note("CS-1007", timedelta(minutes=5), "NT-2"),
        _note("CS-1007", timedelta(hours=3), "NT-1"),
        _note("CS-1008", timedelta(minutes=1), "NT-3"),  # another case
        _note("CS-1007", timedelta(days=2), "NT-0"),  # too long ago
    ]
    warning = repeats({"case_id": "CS-1007", "body": "again"}, history, NOW)
    assert warning == (
        "Already done 2 times on CS-1007 in the last 24 hours: NT-2, 5 min ago; NT-1, 3 h "
        "ago. Confirm only if this is another one."
    )
    assert repeats({"case_id": "CS-1009", "body": "new"}, history, NOW) is None


@pytest.mark.slow
def test_a_second_refund_on_an_invoice_shows_the_first_before_it_is_confirmed(runtime, users):
    alice = users["alice"]
    list(runtime.assistant.handle("again", alice, "refund $45 on INV-2034"))
    first = list(runtime.assistant.handle("again", alice, "yes"))
    note = next(e for e in first if e.type == "step_finished").result["id"]
    events = list(runtime.assistant.handle("again", alice, "refund $20 on INV-2034"))
    assert kinds(events) == ["plan", "confirmation_required", "done"]
    card = events[1]
    assert card.decision == "confirm"
    assert card.text.startswith("Refund $20.00")
    assert f"Already done once on INV-2034 in the last 24 hours: {note}, $45.00, just now." in (
        card.text
    )
    # A first refund on another invoice says nothing of the sort.
    other = list(runtime.assistant.handle("fresh", alice, "refund $20 on INV-2131"))
    assert "Already done" not in other[1].text
