"""An MCP client session against `aios mcp`, with the official SDK's client: what a desktop
assistant or a server-side agent does, in a few calls. The person's confirmation is asked
through MCP elicitation and answered here at the terminal.

    python examples/mcp_session.py stdio alice                    # starts `aios mcp --user alice`
    python examples/mcp_session.py http http://127.0.0.1:8300/mcp "$KEY"
    python examples/mcp_session.py http http://127.0.0.1:8300/mcp "$KEY" --poll AP-…
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from typing import Any

import anyio
import httpx
from mcp import ClientSession, StdioServerParameters, types
from mcp.client.stdio import stdio_client
from mcp.client.streamable_http import streamable_http_client

CLIENT = types.Implementation(name="example-agent", version="1.0")


async def confirm(_: Any, params: types.ElicitRequestParams) -> types.ElicitResult:
    print(f"\n[aios asks] {params.message}")
    answer = input("[you] confirm? (y/n) ").strip().lower() if sys.stdin.isatty() else "y"
    print(f"[you] {answer}")
    return types.ElicitResult(action="accept", content={"confirm": answer == "y"})


@asynccontextmanager
async def connect(args: argparse.Namespace) -> AsyncIterator[ClientSession]:
    async with AsyncExitStack() as stack:
        if args.transport == "stdio":
            # The server reads its settings (AIOS_DATA_DIR, …) from this environment.
            command = ["mcp", "--user", args.target]
            server = StdioServerParameters(command="aios", args=command, env=dict(os.environ))
            read, write = await stack.enter_async_context(stdio_client(server))
        else:
            headers = {"Authorization": f"Bearer {args.key}"}
            http = await stack.enter_async_context(httpx.AsyncClient(headers=headers, timeout=60))
            opened = streamable_http_client(args.target, http_client=http)
            read, write, _ = await stack.enter_async_context(opened)
        session = ClientSession(read, write, elicitation_callback=confirm, client_info=CLIENT)
        await stack.enter_async_context(session)
        await session.initialize()
        yield session


async def call(session: ClientSession, tool: str, arguments: dict[str, Any]) -> dict[str, Any]:
    print(f"\n> {tool} {arguments}")
    result = await session.call_tool(tool, arguments)
    reply = result.structuredContent or {}
    print(("ERROR " if result.isError else "") + str(reply.get("message")))
    return reply


async def main(args: argparse.Namespace) -> None:
    async with connect(args) as session:
        if args.poll:
            await call(session, "aios.approval_status", {"approval_id": args.poll})
            return
        tools = (await session.list_tools()).tools
        print(f"{len(tools)} tools, e.g. " + ", ".join(t.name for t in tools[:4]) + ", …")
        found = await call(session, "crm.find_accounts", {"name": "blue harbor"})
        print("  " + "; ".join(f"{a['id']} {a['name']}" for a in found["result"]["accounts"]))
        refund = {"invoice_id": "INV-2038", "amount": "45.00", "reason": "damaged"}
        done = await call(session, "erp.create_refund", refund)
        if done.get("result"):
            print(f"  credit note {done['result']['id']} for ${done['result']['amount']}")
        big = {"invoice_id": "INV-2131", "amount": "600.00", "reason": "goodwill"}
        await call(session, "erp.create_refund", big)
        limit = {"account_id": "ACC-1004", "credit_limit": "20000", "reason": "growth"}
        await call(session, "erp.set_credit_limit", limit)
        customer = await call(session, "erp.get_customer", {"account_id": "ACC-1004"})
        print(f"  billing email as this user may see it: {customer['result']['billing_email']}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("transport", choices=["stdio", "http"])
    parser.add_argument("target", help="stdio: the user; http: the server's URL")
    parser.add_argument("key", nargs="?", help="http: the API key")
    parser.add_argument("--poll", metavar="APPROVAL_ID", help="only ask where a request stands")
    anyio.run(main, parser.parse_args())
