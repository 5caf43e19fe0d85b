"""The web chat shows the person the calls AI assistants made for them that wait for their
confirmation, and a click on Confirm or Decline answers through the one ``PendingCalls.answer``
(issue 21): what ``app.on_answer_held`` and ``app._show_held`` do, on the real state database
and the demo ERP."""

from __future__ import annotations

from aios.audit import open_trail
from aios.direct import DirectCalls
from aios.mcp.pending import open_pending
from aios.web import commands, held
from aios.web.render import escaped
from connectors.demo import _planted as planted
from connectors.erp.models import Refund

REFUND = {"invoice_id": planted.DAMAGED_INVOICE, "amount": "45.00", "reason": "damaged"}


def _pending(runtime):
    # As app.pending_calls builds it.
    direct = DirectCalls(runtime.toolbox, runtime.policy, runtime.ledger, runtime.masker)
    return open_pending(runtime.settings, direct)


def _hold(pending, args):
    """A call an MCP client made for alice, held as ``aios.mcp.calls`` holds one."""
    return pending.confirmations.issue(
        "alice", "erp.create_refund", args, reason="default for write operations",
        client="desk-agent 2.1", key_of=lambda ident: "web-test-" + ident.removeprefix("CF-"),
    )  # fmt: skip


def _refunds(rows):
    return [r.amount_cents for r in rows("erp", Refund) if r.invoice_id == planted.DAMAGED_INVOICE]


def test_the_person_is_asked_in_words_or_by_command():
    for said in ("my pending confirmations", "Show my pending confirmations?", "/confirmations"):
        assert commands.parse(said) == commands.HeldCalls(), said
    assert commands.parse("confirm my pending refund") is None
    assert commands.parse("/confirmations all") == commands.Unknown("confirmations")


def test_a_held_call_is_shown_exactly_and_confirmed_once_by_its_user(runtime, users, rows):
    pending = _pending(runtime)
    kept, dropped = _hold(pending, REFUND), _hold(pending, {**REFUND, "amount": "30.00"})
    before = _refunds(rows)
    assert pending.confirmations.of("bob") == []
    [first, second] = [held.card(c) for c in pending.confirmations.of("alice")]
    assert "desk-agent 2.1 asks to run `erp.create_refund`" in first.text
    for name, value in REFUND.items():
        assert f"- {escaped(name)}: **{escaped(value)}**" in first.text  # as typed, not Markdown
    assert [b.label for b in first.buttons] == ["Confirm", "Decline"]
    confirm, _ = first.buttons
    _, decline = second.buttons

    nosy = held.answer(pending, users["bob"], confirm.payload, "web-bob")
    assert "not given for this call" in nosy.text and _refunds(rows) == before

    done = held.answer(pending, users["alice"], confirm.payload, "web-alice")
    assert done.text.startswith("Confirmed: `erp.create_refund`. It ran once.")
    assert _refunds(rows) == [*before, 4500]
    twice = held.answer(pending, users["alice"], confirm.payload, "web-alice")
    assert "already confirmed in web" in twice.text and _refunds(rows) == [*before, 4500]

    dropped_now = held.answer(pending, users["alice"], decline.payload, "web-alice")
    assert dropped_now.text == "Declined: `erp.create_refund` was not run."
    assert pending.confirmations.of("alice") == [] and _refunds(rows) == [*before, 4500]
    forged = held.answer(pending, users["alice"], {"id": kept.id, "answer": "yes"}, "web-alice")
    assert "not an answer aios offered" in forged.text

    trail = list(open_trail(runtime.settings).records())
    from_web = [
        (r.actor, r.tool, r.arguments["connection"])
        for r in trail
        if r.kind == "call.received" and r.arguments["channel"] == "web"
    ]
    assert from_web == [
        ("bob", None, "web-bob"),
        ("alice", "erp.create_refund", "web-alice"),
        ("alice", None, "web-alice"),
        ("alice", "erp.create_refund", "web-alice"),
    ]
    assert dropped.id in {r.arguments.get("confirmation_id") for r in trail}
