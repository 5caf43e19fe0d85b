"""The web chat's buttons carry the confirmation they answer, and the core refuses a click on
a replaced card (issue 24, point 1): what ``app.on_decide`` does with a button's payload."""

from __future__ import annotations

from aios.assistant.decisions import Shown
from aios.web import render
from connectors.demo import _planted as planted
from connectors.erp.models import Refund


def _refunds(rows):
    return [r.amount_cents for r in rows("erp", Refund) if r.invoice_id == planted.DAMAGED_INVOICE]


def _click(runtime, user, session, button):
    # As app.on_decide reads a clicked button.
    shown = Shown(str(button.payload["confirmation_id"]), str(button.payload["args_hash"]))
    return list(runtime.assistant.resume(session, user, button.payload["answer"], shown=shown))


def test_a_click_on_a_replaced_card_is_refused_in_words_and_the_new_card_decides(
    runtime, users, rows
):
    alice, session = users["alice"], "web-stale"
    before = _refunds(rows)
    list(runtime.assistant.handle(session, alice, "refund $5 on order SO-1042, damaged"))
    old = render.confirmation_card(runtime.assistant.pending(session), session, alice)
    list(runtime.assistant.handle(session, alice, "no, make it $4"))
    new = render.confirmation_card(runtime.assistant.pending(session), session, alice)

    refused = _click(runtime, alice, session, old.buttons[0])
    assert refused[0].type == "error" and refused[0].code == "replaced"
    assert "replaced" in render.error_text(refused[0])
    assert _refunds(rows) == before

    done = _click(runtime, alice, session, new.buttons[0])
    assert "error" not in [e.type for e in done]
    assert _refunds(rows) == [*before, 400]
