"""``aios mcp``: the connectors' operations as a governed MCP server, for AI assistants.

Over stdio (a desktop client starts it) the person at that desktop is ``--user``; over
Streamable HTTP (``--http``, for server-side agents) each request's API key names the user.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any, Literal

import anyio
import typer
import uvicorn
from mcp.server.lowlevel import Server
from mcp.server.stdio import stdio_server
from rich.console import Console

from aios import __version__, observability
from aios.api.auth import KeyRates
from aios.cli.tools import direct_user, open_direct_calls
from aios.cli.users import directory
from aios.db import open_database
from aios.knowledge.embedder import load_embedder
from aios.knowledge.index import open_catalog
from aios.knowledge.retriever import Retriever
from aios.knowledge.service import KnowledgeBase
from aios.mcp import http
from aios.mcp.calls import GovernedCalls
from aios.mcp.confirmations import Confirmations
from aios.mcp.documents import Documents
from aios.mcp.pending import PendingCalls
from aios.mcp.server import UserOf, build_server
from aios.policy.masking import load_masker
from aios.settings import Settings
from connectors.clock import utc_now

CONFIRM_WITHIN = timedelta(minutes=10)
"""How long a confirmation id stays good."""


app = typer.Typer(
    help="aios as a governed MCP server, and the calls it holds for confirmation.",
    invoke_without_command=True,
)
console = Console()


@app.callback()
def mcp(
    ctx: typer.Context,
    user: str | None = typer.Option(
        None, "--user", help="Over stdio: who acts, a user of the directory (the person here)."
    ),
    over_http: bool = typer.Option(
        False, "--http", help="Serve Streamable HTTP at /mcp; each caller needs an API key."
    ),
    host: str = typer.Option("127.0.0.1", help="Address to listen on, with --http."),
    port: int = typer.Option(8400, help="Port to listen on, with --http."),
) -> None:
    """Serve the CRM and ERP operations and the documents to MCP clients, under the policy,
    approvals, masking and audit of a chat turn."""
    if ctx.invoked_subcommand is not None:
        return
    settings = Settings()
    if over_http == (user is not None):
        raise typer.BadParameter("give --user NAME (stdio) or --http, one of them")
    # stdout carries the protocol over stdio: logs go to stderr, as for every server.
    observability.configure(settings, server=over_http)
    if user is not None:
        me = direct_user(settings, user)
        server = open_server(settings, lambda _: me, "stdio")
        anyio.run(_serve_stdio, server)
        return
    rates = KeyRates(settings.api_rate_limit)
    server = open_server(settings, http.user_of, "http")
    app = http.http_app(server, directory(settings), rates)
    typer.echo(f"MCP over Streamable HTTP at http://{host}:{port}{http.PATH}", err=True)
    uvicorn.run(app, host=host, port=port, log_config=None)


def open_server(
    settings: Settings,
    user_of: UserOf,
    transport: Literal["stdio", "http"],
    retriever: Callable[[], Retriever] | None = None,
) -> Server[Any, Any]:
    """The MCP server on ``settings``' systems, trail, policy and documents; ``retriever``
    searches the documents (default: the knowledge base, its model loaded on first use)."""
    pending = open_pending(settings)
    masker = load_masker(settings.masking_file)
    data_dir = settings.ensure_data_dir()

    def knowledge() -> Retriever:
        base = KnowledgeBase.open(data_dir, load_embedder(), chroma_url=settings.chroma_url)
        return base.retriever

    documents = Documents(open_catalog(data_dir), retriever or knowledge, masker)
    calls = GovernedCalls(pending, documents, masker)
    return build_server(calls, documents, user_of, transport, __version__)


def open_pending(settings: Settings) -> PendingCalls:
    """The direct-call path, and the calls held for confirmation in the state database."""
    direct = open_direct_calls(settings)
    held = Confirmations(open_database(settings, "state"), CONFIRM_WITHIN, utc_now)
    return PendingCalls(direct, held)


async def _serve_stdio(server: Server[Any, Any]) -> None:
    async with stdio_server() as (read, write):
        await server.run(read, write, server.create_initialization_options())
