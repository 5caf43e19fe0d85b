"""MCP clients for the tests: the SDK's own, over stdio (``aios mcp --user`` in a child
process) and over Streamable HTTP (the server on a loopback port, in this process)."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from typing import Any

import httpx
import pytest
from mcp import ClientSession, StdioServerParameters, types
from mcp.client.stdio import stdio_client
from mcp.client.streamable_http import streamable_http_client

from aios.api.auth import KeyRates
from aios.audit import open_trail
from aios.cli.mcp_server import open_server
from aios.cli.users import directory
from aios.knowledge.retriever import Retriever
from aios.loopback import serve
from aios.mcp import http
from tests.settings import REPO

CLIENT = types.Implementation(name="test-desktop", version="1.0")


class Person:
    """The person at an elicitation-capable client: gives the answers in ``answers`` in
    turn ("yes", "no" (accept, unticked), "decline", "cancel") and keeps what they were shown."""

    def __init__(self, *answers: str) -> None:
        self.answers = list(answers)
        self.shown: list[str] = []

    async def __call__(self, _: Any, params: types.ElicitRequestParams) -> types.ElicitResult:
        assert isinstance(params, types.ElicitRequestFormParams)
        self.shown.append(params.message)
        answer = self.answers.pop(0)
        if answer in ("yes", "no"):
            return types.ElicitResult(action="accept", content={"confirm": answer == "yes"})
        return types.ElicitResult(action=answer)  # type: ignore[arg-type]


@asynccontextmanager
async def over_stdio(
    user: str, elicit: Any = None, logging: Any = None
) -> AsyncIterator[ClientSession]:
    """``aios mcp --user USER`` as a desktop client starts it, on this test's data directory
    (the environment's AIOS_DATA_DIR) and this checkout's skills and policies; ``logging`` gets
    the log messages the server sends."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    params = StdioServerParameters(
        command=sys.executable, args=["-m", "aios.cli", "mcp", "--user", user], env=env, cwd=REPO
    )
    async with (
        stdio_client(params) as (read, write),
        ClientSession(
            read, write, elicitation_callback=elicit, logging_callback=logging, client_info=CLIENT
        ) as session,
    ):
        await session.initialize()
        yield session


@asynccontextmanager
async def over_http(
    url: str,
    token: str | None,
    elicit: Any = None,
    ids: list[str] | None = None,
    logging: Any = None,
) -> AsyncIterator[ClientSession]:
    """A client of the server at ``url`` with the key ``token``; ``ids`` gets its MCP session id,
    ``logging`` the log messages the server sends it."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    async with (
        httpx.AsyncClient(headers=headers, timeout=60) as http,
        streamable_http_client(url, http_client=http) as (read, write, session_id),
        ClientSession(
            read, write, elicitation_callback=elicit, logging_callback=logging, client_info=CLIENT
        ) as session,
    ):
        await session.initialize()
        if ids is not None:
            ids.append(session_id() or "")
        yield session


async def hold(url: str, token: str, tool: str, *calls: dict[str, Any]) -> list[str]:
    """The confirmation ids of ``calls`` of ``tool``, made by a client that cannot ask the
    person (no elicitation), so that each is held."""
    async with over_http(url, token) as client:
        held = [await client.call_tool(tool, args) for args in calls]
    return [data(h)["confirmation_id"] for h in held]


async def send_again(
    url: str, token: str, tool: str, args: dict[str, Any], ident: str
) -> types.CallToolResult:
    """``tool`` with ``args`` sent again with the confirmation id ``ident``."""
    async with over_http(url, token) as client:
        return await client.call_tool(tool, {**args, "confirmation_id": ident})


@pytest.fixture
def keys(demo_settings) -> Callable[[str], str]:
    """A new API key of a demo operator."""
    users = directory(demo_settings)
    return lambda name: users.add_key(name, "mcp tests")[1]


@pytest.fixture
def mcp_server(demo_settings) -> Callable[..., Any]:
    """``with mcp_server() as url``: the Streamable HTTP server on a loopback port."""

    @contextmanager
    def started(retriever: Callable[[], Retriever] | None = None) -> Iterator[str]:
        server = open_server(demo_settings, http.user_of, "http", retriever)
        app = http.http_app(server, directory(demo_settings), KeyRates("1000/minute"))
        with serve(app) as base:
            yield base + http.PATH

    return started


def text(result: types.CallToolResult) -> str:
    first = result.content[0]
    assert isinstance(first, types.TextContent)
    return first.text


def data(result: types.CallToolResult) -> dict[str, Any]:
    assert result.structuredContent is not None, text(result)
    return result.structuredContent


def received(settings) -> list[dict[str, Any]]:
    """The ``call.received`` rows of the trail: one per tool call a client made."""
    rows = open_trail(settings).records()
    return [
        json.loads(json.dumps(r.arguments)) | {"tool": r.tool}
        for r in rows
        if r.kind == "call.received"
    ]


async def send_raw(url: str, token: str, session_id: str, body: dict[str, Any]) -> dict[str, Any]:
    """POST one JSON-RPC request on an open MCP session as the bytes a client sends, so that a
    test can send the very same request twice (a client's retry: the same id, the same call).
    An elicitation the server asks on the way is answered yes. The answer to ``body``."""
    headers = {
        "Authorization": f"Bearer {token}",
        "Accept": "application/json, text/event-stream",
        "Mcp-Session-Id": session_id,
        "Mcp-Protocol-Version": types.LATEST_PROTOCOL_VERSION,
    }
    yes = {"action": "accept", "content": {"confirm": True}}
    async with (
        httpx.AsyncClient(timeout=60) as client,
        client.stream("POST", url, json=body, headers=headers) as stream,
    ):
        stream.raise_for_status()
        async for line in stream.aiter_lines():
            if not line.startswith("data:"):
                continue
            message = json.loads(line.removeprefix("data:"))
            if message.get("method") == "elicitation/create":
                answer = {"jsonrpc": "2.0", "id": message["id"], "result": yes}
                (await client.post(url, json=answer, headers=headers)).raise_for_status()
            elif message.get("id") == body["id"]:
                found: dict[str, Any] = message
                return found
    raise AssertionError("the server closed the stream without answering")
