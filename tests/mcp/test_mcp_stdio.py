"""``aios mcp --user`` over stdio, driven by the SDK's own client as a desktop client drives
it: tools from the declarations, a lookup, a confirmation accepted and one declined (MCP
elicitation), a denied tool, every call on the audit trail with the client's name; a four-eyes
request decided in aios, told to the desktop as a log message.

Judged by the systems' rows and the audit trail, not only by what the client was told."""

from __future__ import annotations

import anyio
import pytest
from typer.testing import CliRunner

from aios.audit import open_trail
from aios.cli.main import app
from connectors.demo import _planted as planted
from connectors.erp.models import Customer, Refund
from tests.mcp.conftest import Person, data, over_stdio, received, text
from tests.mcp.test_mcp_notices import Inbox

pytestmark = pytest.mark.slow  # starts `aios mcp` as a child process

REFUND = {"invoice_id": planted.DAMAGED_INVOICE, "amount": "45.00", "reason": "damaged"}


def _refunds(rows, cents: int) -> list[Refund]:
    return [
        r
        for r in rows("erp", Refund)
        if r.invoice_id == REFUND["invoice_id"] and r.amount_cents == cents
    ]


def _credit_limit(rows) -> int:
    [customer] = [c for c in rows("erp", Customer) if c.account_id == planted.BLUE_HARBOR]
    return customer.credit_limit_cents


def test_a_desktop_session(demo_settings, rows):
    person = Person("yes", "decline")
    before = _credit_limit(rows)
    limit = {"account_id": planted.BLUE_HARBOR, "credit_limit": "100", "reason": "test"}

    async def session():
        async with over_stdio("alice", elicit=person) as client:
            listed = {t.name: t for t in (await client.list_tools()).tools}
            found = await client.call_tool("crm.find_accounts", {"name": "blue harbor"})
            accepted = await client.call_tool("erp.create_refund", REFUND)
            declined = await client.call_tool("erp.create_refund", {**REFUND, "amount": "20.00"})
            denied = await client.call_tool("erp.set_credit_limit", limit)
            return listed, found, accepted, declined, denied

    listed, found, accepted, declined, denied = anyio.run(session)

    assert {"crm.find_accounts", "erp.create_refund", "aios.approval_status"} <= set(listed)
    assert "author" not in listed["crm.add_note"].inputSchema["properties"]  # aios sets it

    assert not found.isError, text(found)
    names = {a["name"] for a in data(found)["result"]["accounts"]}
    assert {"Blue Harbor Logistics", "Blue Harbor Marine"} <= names

    # The person saw exactly what ran, and it ran once.
    assert not accepted.isError, text(accepted)
    assert data(accepted)["status"] == "done"
    assert all(part in person.shown[0] for part in ("erp.create_refund", "INV-2038", "45.00"))
    assert [r.id for r in _refunds(rows, 4500)] == [data(accepted)["result"]["id"]]
    assert data(declined)["status"] == "declined"
    assert "20.00" in person.shown[1]
    assert _refunds(rows, 2000) == []

    assert denied.isError
    assert text(denied).startswith("Not allowed: ") and "Nothing was run" in text(denied)
    assert _credit_limit(rows) == before != 10000

    calls = received(demo_settings)
    assert [c["tool"] for c in calls] == [
        "crm.find_accounts", "erp.create_refund", "erp.create_refund", "erp.set_credit_limit",
    ]  # fmt: skip
    assert {(c["client"], c["transport"], c["channel"]) for c in calls} == {
        ("test-desktop 1.0", "stdio", "mcp")
    }
    kinds = [(r.kind, r.policy_decision) for r in open_trail(demo_settings).records()]
    assert ("confirmation.given", "confirm") in kinds and ("policy.decided", "deny") in kinds
    verified = CliRunner().invoke(app, ["audit", "verify"])
    assert verified.exit_code == 0, verified.output
    assert "chain intact" in verified.output


def test_a_decision_reaches_the_desktop_as_a_log_message(demo_settings, rows):
    goodwill = {
        "invoice_id": planted.PLATINUM_PAID_INVOICE,
        "amount": "600.00",
        "reason": "goodwill",
    }
    inbox = Inbox()

    def decide(ident: str) -> None:
        decided = CliRunner().invoke(app, ["approvals", "decide", ident, "--as", "dave"])
        assert decided.exit_code == 0, decided.output

    async def session() -> str:
        async with over_stdio("alice", logging=inbox) as client:
            filed = await client.call_tool("erp.create_refund", goodwill)
            assert "approval" in data(filed), text(filed)
            ident: str = data(filed)["approval"]["id"]
            await anyio.to_thread.run_sync(decide, ident)
            with anyio.fail_after(60):
                await inbox.arrived.wait()
        return ident

    ident = anyio.run(session)

    [told] = inbox.messages
    assert told.logger == "aios.approvals" and told.level == "info"
    assert told.data["approval"]["id"] == ident
    assert (told.data["approval"]["status"], told.data["approval"]["executed"]) == (
        "approved",
        "succeeded",
    )
    assert f"Request {ident} is approved by dave and carried out." in told.data["message"]
    refunds = [r for r in rows("erp", Refund) if r.invoice_id == goodwill["invoice_id"]]
    assert [r.amount_cents for r in refunds] == [60000]


def test_over_stdio_only_a_user_of_the_directory_is_served(demo_settings):
    refused = CliRunner().invoke(app, ["mcp", "--user", "mallory"])
    assert refused.exit_code == 2
    assert "unknown user" in refused.output
    both = CliRunner().invoke(app, ["mcp", "--user", "alice", "--http"])
    assert both.exit_code == 2
    assert list(open_trail(demo_settings).records()) == []
