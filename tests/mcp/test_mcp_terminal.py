"""A call an MCP client made, held for confirmation, answered by the person in aios's own
terminal (``aios mcp confirmations``, ``confirm``, ``decline``): only by the user it was made
for, once, on the audit trail. Judged by the ERP's rows and the trail."""

from __future__ import annotations

import json
from typing import Any

import anyio
from typer.testing import CliRunner

from aios.audit import open_trail
from aios.cli.main import app
from connectors.demo import _planted as planted
from connectors.erp.models import Refund
from tests.mcp.conftest import hold, send_again, text

TOOL = "erp.create_refund"
REFUND = {"invoice_id": planted.DAMAGED_INVOICE, "amount": "45.00", "reason": "damaged"}


def _aios(*args: str) -> Any:
    return CliRunner().invoke(app, list(args))


def _said(result: Any) -> str:
    """What a command printed, as one line (the terminal wraps it)."""
    return " ".join(result.output.split())


def test_a_held_call_is_confirmed_or_declined_in_the_terminal_once(
    mcp_server, keys, rows, demo_settings
):
    alice = keys("alice")
    declined_args = {**REFUND, "amount": "30.00"}

    with mcp_server() as url:
        kept, dropped = anyio.run(hold, url, alice, TOOL, REFUND, declined_args)
        listed = _aios("mcp", "confirmations", "--as", "alice", "--json")
        assert listed.exit_code == 0, listed.output
        assert [c["id"] for c in json.loads(listed.output)] == [kept, dropped]
        assert json.loads(listed.output)[0]["arguments"] == REFUND
        assert json.loads(_aios("mcp", "confirmations", "--as", "bob", "--json").output) == []

        nosy = _aios("mcp", "confirm", kept, "--as", "bob")  # not the user it was made for
        assert nosy.exit_code == 1 and "not given for this call" in _said(nosy)
        confirmed = _aios("mcp", "confirm", kept, "--as", "alice")
        assert confirmed.exit_code == 0, confirmed.output
        assert f"{kept} confirmed by alice" in _said(confirmed)
        assert "It ran once." in _said(confirmed)
        booked = json.loads(confirmed.output[confirmed.output.index("{") :])
        twice = _aios("mcp", "confirm", kept, "--as", "alice")
        assert twice.exit_code == 1 and "already confirmed in terminal" in _said(twice)

        declined = _aios("mcp", "decline", dropped, "--as", "alice")
        assert declined.exit_code == 0 and "was not run" in _said(declined)
        late = anyio.run(send_again, url, alice, TOOL, REFUND, kept)
        late_declined = anyio.run(send_again, url, alice, TOOL, declined_args, dropped)

    assert late.isError and "already confirmed in terminal" in text(late)
    assert late_declined.isError and "already declined in terminal" in text(late_declined)
    assert "Declined. Nothing was run." in text(late_declined)
    refunds = [r for r in rows("erp", Refund) if r.invoice_id == planted.DAMAGED_INVOICE]
    assert [(r.id, r.amount_cents) for r in refunds] == [(booked["id"], 4500)]

    trail = list(open_trail(demo_settings).records())
    given = [(r.actor, r.arguments["answer"]) for r in trail if r.kind == "confirmation.given"]
    assert given == [("alice", "approve"), ("alice", "reject")]
    from_terminal = [
        r.tool for r in trail if r.kind == "call.received" and r.arguments["channel"] == "terminal"
    ]
    assert from_terminal == [None, "erp.create_refund", None, "erp.create_refund"]
    refused = [r.actor for r in trail if r.kind == "confirmation.refused"]
    assert refused == ["bob", "alice", "alice", "alice"]  # bob; twice; both sent late
    verified = _aios("audit", "verify")
    assert verified.exit_code == 0, verified.output
