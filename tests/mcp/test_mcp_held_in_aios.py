"""A call an MCP client made, held for confirmation, answered by the person in aios's own HTTP
API and web chat (issue 21): listed for the user it was made for only, run once whichever
channel confirms first, every other channel told it was answered. The SDK's client over HTTP
holds the calls; the API on loopback answers them; judged by the ERP's rows and the trail."""

from __future__ import annotations

import anyio
import httpx
import pytest
from typer.testing import CliRunner

from aios.api.app import create_app
from aios.api.store import open_api_store
from aios.audit import open_trail
from aios.cli.main import app
from aios.cli.tools import open_direct_calls
from aios.loopback import serve
from aios.mcp.pending import open_pending
from aios.web import held
from connectors.demo import _planted as planted
from connectors.erp.models import Refund
from tests.mcp.conftest import hold, send_again, text

TOOL = "erp.create_refund"
REFUND = {"invoice_id": planted.DAMAGED_INVOICE, "amount": "45.00", "reason": "damaged"}
DROPPED = {**REFUND, "amount": "30.00"}
PATH = "/v1/mcp/confirmations"


@pytest.fixture
def api(runtime, demo_settings):
    with serve(create_app(runtime, open_api_store(demo_settings))) as base:
        yield base


def _as(runtime, name: str) -> httpx.Client:
    key = runtime.users.add_key(name, "tests")[1]
    return httpx.Client(headers={"Authorization": f"Bearer {key}"}, timeout=60)


def test_a_held_call_is_answered_in_the_api_once_and_no_other_channel_runs_it(
    mcp_server, keys, api, runtime, rows, demo_settings
):
    alice_key = keys("alice")

    alice, bob = _as(runtime, "alice"), _as(runtime, "bob")
    with mcp_server() as url:
        kept, dropped = anyio.run(hold, url, alice_key, TOOL, REFUND, DROPPED)

        listed = alice.get(api + PATH)
        assert listed.status_code == 200
        assert [(c["id"], c["arguments"]) for c in listed.json()] == [
            (kept, REFUND),
            (dropped, DROPPED),
        ]
        assert listed.json()[0]["client"] == "test-desktop 1.0"
        assert bob.get(api + PATH).json() == []

        nosy = bob.post(f"{api}{PATH}/{kept}/decision", json={"answer": "confirm"})
        assert (nosy.status_code, nosy.json()["code"]) == (404, "not_found")
        bad = alice.post(f"{api}{PATH}/{kept}/decision", json={"answer": "approve"})
        assert (bad.status_code, bad.json()["code"]) == (422, "invalid_input")

        confirmed = alice.post(f"{api}{PATH}/{kept}/decision", json={"answer": "confirm"})
        assert confirmed.status_code == 200, confirmed.text
        body = confirmed.json()
        assert body["confirmation"]["status"] == "confirmed"
        assert body["confirmation"]["decided_via"] == "api"
        assert body["confirmation"]["outcome"] == "It ran once."
        booked = body["result"]["id"]

        again = alice.post(f"{api}{PATH}/{kept}/decision", json={"answer": "confirm"})
        assert (again.status_code, again.json()["code"]) == (409, "already_answered")
        assert "already confirmed in api" in again.json()["detail"]
        # The other channels: the terminal, the web chat, the MCP client itself.
        terminal = CliRunner().invoke(app, ["mcp", "confirm", kept, "--as", "alice"])
        assert terminal.exit_code == 1
        assert "already confirmed in api" in " ".join(terminal.output.split())
        pending = open_pending(demo_settings, open_direct_calls(demo_settings))
        click = {"id": kept, "answer": "confirm"}
        web = held.answer(pending, runtime.users.get("alice"), click, "web-1")
        assert "already confirmed in api" in web.text and web.buttons == []
        late = anyio.run(send_again, url, alice_key, TOOL, REFUND, kept)

        declined = alice.post(f"{api}{PATH}/{dropped}/decision", json={"answer": "decline"})
        assert declined.status_code == 200 and declined.json()["result"] is None
        assert declined.json()["confirmation"]["status"] == "declined"
        late_declined = anyio.run(send_again, url, alice_key, TOOL, DROPPED, dropped)
        assert alice.get(api + PATH).json() == []
        every = alice.get(api + PATH, params={"all": "true"}).json()
        assert [c["status"] for c in every] == ["confirmed", "declined"]

    assert late.isError and "already confirmed in api" in text(late)
    assert late_declined.isError and "already declined in api" in text(late_declined)
    refunds = [r for r in rows("erp", Refund) if r.invoice_id == planted.DAMAGED_INVOICE]
    assert [(r.id, r.amount_cents) for r in refunds] == [(booked, 4500)]

    trail = list(open_trail(demo_settings).records())
    from_api = [
        (r.actor, r.tool)
        for r in trail
        if r.kind == "call.received" and r.arguments["channel"] == "api"
    ]
    # bob's refused answer, alice's bad answer never reached the core, her confirmation, her
    # second one, her decline.
    assert from_api == [
        ("bob", None),
        ("alice", "erp.create_refund"),
        ("alice", None),
        ("alice", "erp.create_refund"),
    ]
    given = [(r.actor, r.arguments["answer"]) for r in trail if r.kind == "confirmation.given"]
    assert given == [("alice", "approve"), ("alice", "reject")]
    assert open_trail(demo_settings).verify().ok
