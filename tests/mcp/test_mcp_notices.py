"""A four-eyes request filed by an MCP call reaches its requester when it is decided, while the
session is open, without polling: a log message from ``aios.approvals`` to that session only,
holding what ``aios.approval_status`` would answer. With the SDK's own client, over HTTP."""

from __future__ import annotations

from typing import Any

import anyio
from mcp import types
from typer.testing import CliRunner

from aios.cli.main import app
from connectors.demo import _planted as planted
from tests.mcp.conftest import data, over_http

ARGS = {"invoice_id": planted.PLATINUM_PAID_INVOICE, "amount": "600.00", "reason": "goodwill"}


class Inbox:
    """The log messages a client was sent; ``arrived`` is set by the first."""

    def __init__(self) -> None:
        self.messages: list[types.LoggingMessageNotificationParams] = []
        self.arrived = anyio.Event()

    async def __call__(self, params: types.LoggingMessageNotificationParams) -> None:
        self.messages.append(params)
        self.arrived.set()


def _decide(ident: str, *args: str) -> None:
    decided = CliRunner().invoke(app, ["approvals", "decide", ident, "--as", "dave", *args])
    assert decided.exit_code == 0, decided.output


def test_the_requester_is_told_of_the_decision_while_the_session_is_open(mcp_server, keys):
    alice, bob = keys("alice"), keys("bob")
    mine, other, quiet = Inbox(), Inbox(), Inbox()

    async def run() -> list[Any]:
        async with over_http(url, bob, logging=other) as bobs:
            await bobs.list_tools()
            async with over_http(url, alice, logging=mine) as client:
                filed = await client.call_tool("erp.create_refund", ARGS)
                ident = data(filed)["approval"]["id"]
                # Filed twice (a retry): told once.
                await client.call_tool("erp.create_refund", ARGS)
                async with over_http(url, alice, logging=quiet) as hushed:
                    await hushed.set_logging_level("warning")
                    small = {**ARGS, "amount": "550.00"}
                    hushed_filed = await hushed.call_tool("erp.create_refund", small)
                    hushed_id = data(hushed_filed)["approval"]["id"]
                    await anyio.to_thread.run_sync(_decide, hushed_id, "--reject")
                    await anyio.to_thread.run_sync(_decide, ident)
                    with anyio.fail_after(20):
                        await mine.arrived.wait()
                    await anyio.sleep(3)  # longer than a watch's round: nothing else comes
        return [ident]

    with mcp_server() as url:
        [ident] = anyio.run(run)

    [told] = mine.messages
    assert told.logger == "aios.approvals" and told.level == "info"
    assert told.data["approval"]["id"] == ident
    assert told.data["approval"]["status"] == "approved"
    assert told.data["approval"]["executed"] == "succeeded"
    assert f"Request {ident} is approved by dave and carried out." in told.data["message"]
    assert other.messages == [] and quiet.messages == []
