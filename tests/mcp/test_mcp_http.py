"""``aios mcp --http``: Streamable HTTP on loopback behind the API keys, driven by the SDK's
own client as a server-side agent drives it: the key names the user; a confirmation by id when
the client cannot ask the person; four-eyes decided by another user in aios, carried out once;
retries that write once; masking by role; every call on the trail, the chain intact.

Judged by the systems' rows, the ledger and the audit trail."""

from __future__ import annotations

from typing import Any

import anyio
import httpx
import pytest
from typer.testing import CliRunner

from aios.approvals import ApprovalStatus, open_ledger
from aios.audit import open_trail
from aios.cli.main import app
from aios.cli.users import directory
from aios.policy import load_policy
from connectors.demo import _planted as planted
from connectors.erp.models import Refund
from tests.mcp.conftest import Person, data, over_http, received, send_raw, text

REFUND = {"invoice_id": planted.DAMAGED_INVOICE, "amount": "45.00", "reason": "damaged"}


def _refunds(rows, invoice: str, cents: int) -> list[Refund]:
    return [r for r in rows("erp", Refund) if r.invoice_id == invoice and r.amount_cents == cents]


def _chain_intact() -> None:
    verified = CliRunner().invoke(app, ["audit", "verify"])
    assert verified.exit_code == 0, verified.output


def test_a_caller_without_a_valid_key_is_refused(mcp_server, keys, demo_settings):
    alice, bob = keys("alice"), keys("bob")
    [bobs] = directory(demo_settings).keys("bob")
    directory(demo_settings).revoke_key(bobs.id)
    hello = {"jsonrpc": "2.0", "id": 1, "method": "ping"}
    with mcp_server() as url:
        for token in (None, "aios_not-a-key", bob):
            headers = {"Authorization": f"Bearer {token}"} if token else {}
            refused = httpx.post(url, json=hello, headers=headers)
            assert refused.status_code == 401
            assert refused.headers["content-type"] == "application/problem+json"
            assert refused.json()["code"] == "unauthorized"
            assert refused.headers["www-authenticate"] == "Bearer"

            async def connect(token: str | None = token) -> None:
                async with over_http(url, token) as client:
                    await client.list_tools()

            with pytest.raises(BaseException) as failed:
                anyio.run(connect)
            assert "401 Unauthorized" in _flat(failed.value)

        async def hijack() -> Any:
            ids: list[str] = []
            async with over_http(url, alice, ids=ids) as client:
                await client.list_tools()
                erins = keys("erin")
                body = {"jsonrpc": "2.0", "id": 9, "method": "tools/list"}
                return await anyio.to_thread.run_sync(lambda: _post(url, erins, ids[0], body))

        # An MCP session belongs to the key that opened it: another key cannot use it.
        assert anyio.run(hijack).status_code == 404
    assert received(demo_settings) == []


def _flat(exc: BaseException) -> str:
    """What an error (and every error in a group of them) says."""
    inner = getattr(exc, "exceptions", ())
    return " | ".join([repr(exc), *(_flat(e) for e in inner)])


def _post(url: str, token: str, session: str, body: dict[str, Any]) -> httpx.Response:
    headers = {
        "Authorization": f"Bearer {token}",
        "Mcp-Session-Id": session,
        "Accept": "application/json, text/event-stream",
    }
    return httpx.post(url, json=body, headers=headers)


def test_a_confirmation_id_confirms_exactly_one_call_on_any_worker(
    mcp_server, keys, rows, demo_settings
):
    alice, bob = keys("alice"), keys("bob")

    async def calls(one: str, other: str) -> list[Any]:
        # Held by one worker, confirmed on another (as behind a load balancer), once.
        async with over_http(one, alice) as client:  # no elicitation: it cannot ask
            pending = await client.call_tool("erp.create_refund", REFUND)
        ident = data(pending)["confirmation_id"]
        confirmed_args = {**REFUND, "confirmation_id": ident}
        async with over_http(other, alice) as client:
            changed = await client.call_tool(
                "erp.create_refund", {**confirmed_args, "amount": "450.00"}
            )
            confirmed = await client.call_tool("erp.create_refund", confirmed_args)
        async with over_http(one, alice) as client:
            again = await client.call_tool("erp.create_refund", confirmed_args)
        async with over_http(other, bob) as client:
            bobs = await client.call_tool("erp.create_refund", confirmed_args)
        return [pending, changed, confirmed, again, bobs]

    with mcp_server() as one, mcp_server() as other:
        pending, changed, confirmed, again, bobs = anyio.run(calls, one, other)

    assert data(pending)["status"] == "needs_confirmation" and not pending.isError
    ident = data(pending)["confirmation_id"]
    assert ident in text(pending) and f"aios mcp confirm {ident}" in text(pending)
    for refused in (changed, bobs):  # other arguments; another user
        assert refused.isError and data(refused)["status"] == "refused"
        assert "not given for this call" in text(refused)
    assert _refunds(rows, planted.DAMAGED_INVOICE, 45000) == []
    assert data(confirmed)["status"] == "done", text(confirmed)
    # Sent again (a retry, a replay): nothing more runs, and the client is told why.
    assert again.isError and "already confirmed in mcp" in text(again)
    assert "It ran once. Nothing more was done." in text(again)
    assert [r.id for r in _refunds(rows, planted.DAMAGED_INVOICE, 4500)] == [
        data(confirmed)["result"]["id"]
    ]
    kinds = [r.kind for r in open_trail(demo_settings).records()]
    assert kinds.count("confirmation.pending") == 1
    assert kinds.count("confirmation.refused") == 3
    assert kinds.count("tool.succeeded") == 1
    assert len(received(demo_settings)) == 5
    _chain_intact()


def test_elicitation_over_http(mcp_server, keys, rows):
    person = Person("yes", "cancel")

    async def calls() -> list[Any]:
        async with over_http(url, keys("alice"), elicit=person) as client:
            yes = await client.call_tool("erp.create_refund", REFUND)
            cancelled = await client.call_tool("erp.create_refund", {**REFUND, "amount": "30.00"})
            return [yes, cancelled]

    with mcp_server() as url:
        yes, cancelled = anyio.run(calls)
    assert data(yes)["status"] == "done"
    assert data(cancelled)["status"] == "declined"
    assert len(_refunds(rows, planted.DAMAGED_INVOICE, 4500)) == 1
    assert _refunds(rows, planted.DAMAGED_INVOICE, 3000) == []


def test_a_retried_call_writes_once(mcp_server, keys, rows, demo_settings):
    alice = keys("alice")
    person = Person("yes", "yes")
    call = {
        "jsonrpc": "2.0",
        "id": 41,
        "method": "tools/call",
        "params": {"name": "erp.create_refund", "arguments": {**REFUND, "amount": "12.00"}},
    }

    async def calls() -> list[Any]:
        ids: list[str] = []
        async with over_http(url, alice, elicit=person, ids=ids) as client:
            # The same request sent twice on the session, as a client retries a request whose
            # answer it lost: the person is asked each time, the refund booked once.
            first = await send_raw(url, alice, ids[0], call)
            retried = await send_raw(url, alice, ids[0], call)
            # A client that passes its own key: the same key, the same write.
            meta = {"idempotency_key": "agent-run-7/step-2"}
            args = {**REFUND, "amount": "13.00"}
            keyed = await client.call_tool("erp.create_refund", args, meta=meta)
            keyed_again = await client.call_tool("erp.create_refund", args, meta=meta)
            return [first, retried, keyed, keyed_again]

    with mcp_server() as url:
        first, retried, keyed, keyed_again = anyio.run(calls)

    booked = first["result"]["structuredContent"]["result"]
    assert retried["result"]["structuredContent"]["result"] == booked
    assert [r.id for r in _refunds(rows, planted.DAMAGED_INVOICE, 1200)] == [booked["id"]]
    assert data(keyed)["result"] == data(keyed_again)["result"]
    assert len(_refunds(rows, planted.DAMAGED_INVOICE, 1300)) == 1
    # Each attempt is on the trail, and they share one session: one call, tried twice.
    sessions = [
        r.session_id for r in open_trail(demo_settings).records() if r.kind == "call.received"
    ]
    assert len(sessions) == 4 and sessions[0] == sessions[1] and sessions[2] == sessions[3]
    _chain_intact()


def test_four_eyes_is_decided_by_another_user_in_aios_and_runs_once(
    mcp_server, keys, rows, demo_settings
):
    invoice = planted.PLATINUM_PAID_INVOICE
    args = {"invoice_id": invoice, "amount": "600.00", "reason": "goodwill"}
    meta = {"idempotency_key": "goodwill-600"}
    alice, bob = keys("alice"), keys("bob")

    async def file() -> list[Any]:
        async with over_http(url, alice) as client:
            filed = await client.call_tool("erp.create_refund", args, meta=meta)
            ident = data(filed)["approval"]["id"]
            polled = await client.call_tool("aios.approval_status", {"approval_id": ident})
        async with over_http(url, bob) as client:
            nosy = await client.call_tool("aios.approval_status", {"approval_id": ident})
        return [filed, polled, nosy]

    async def after() -> list[Any]:
        async with over_http(url, alice) as client:
            polled = await client.call_tool("aios.approval_status", {"approval_id": ident})
            retried = await client.call_tool("erp.create_refund", args, meta=meta)
            return [polled, retried]

    with mcp_server() as url:
        filed, pending, nosy = anyio.run(file)
        ident = data(filed)["approval"]["id"]
        assert data(filed)["status"] == "awaiting_approval"
        assert "finance" in text(filed) and ident in text(filed)
        assert data(pending)["approval"]["status"] == "pending"
        assert nosy.isError  # not bob's request, and not his to decide
        assert _refunds(rows, invoice, 60000) == []

        decided = CliRunner().invoke(app, ["approvals", "decide", ident, "--as", "dave"])
        assert decided.exit_code == 0, decided.output
        polled, retried = anyio.run(after)

    assert data(polled)["approval"]["status"] == "approved"
    assert data(polled)["approval"]["executed"] == "succeeded"
    assert "approved by dave and carried out" in text(polled)
    assert data(retried)["approval"]["id"] == ident  # the same request, not a second one
    assert len(_refunds(rows, invoice, 60000)) == 1
    ledger = open_ledger(demo_settings, load_policy(demo_settings.policy_file))
    assert [a.id for a in ledger.find(status=None)] == [ident]
    assert ledger.get(ident).status is ApprovalStatus.APPROVED
    kinds = [r.kind for r in open_trail(demo_settings).records()]
    assert kinds.count("approval.requested") == 1
    assert len(received(demo_settings)) == 5
    _chain_intact()


def test_results_are_masked_for_the_callers_role(mcp_server, keys, demo_settings):
    async def customer(token: str) -> dict[str, Any]:
        async with over_http(url, token) as client:
            found = await client.call_tool("erp.get_customer", {"account_id": planted.BLUE_HARBOR})
            return data(found)["result"]

    with mcp_server() as url:
        agent = anyio.run(customer, keys("alice"))
        finance = anyio.run(customer, keys("dave"))
    assert "***@" in agent["billing_email"]
    assert "***" not in finance["billing_email"] and "@" in finance["billing_email"]
    assert finance["billing_email"].split("@")[1] == agent["billing_email"].split("@")[1]
    # The trail stores what the data protection policy says, whoever asked.
    stored = [r.result for r in open_trail(demo_settings).records() if r.kind == "tool.read"]
    assert [s["billing_email"] for s in stored] == [agent["billing_email"]] * 2
