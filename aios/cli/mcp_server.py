"""The MCP server behind ``aios mcp``, kept apart so that the CLI starts without loading it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal

import anyio
import typer
import uvicorn
from mcp.server.lowlevel import Server
from mcp.server.stdio import stdio_server

from aios import __version__
from aios.api.auth import KeyRates
from aios.cli.tools import direct_user, open_direct_calls
from aios.cli.users import directory
from aios.knowledge.embedder import load_embedder
from aios.knowledge.index import open_catalog
from aios.knowledge.retriever import Retriever
from aios.knowledge.service import KnowledgeBase
from aios.mcp import http
from aios.mcp.calls import GovernedCalls
from aios.mcp.documents import Documents
from aios.mcp.pending import open_pending
from aios.mcp.server import UserOf, build_server
from aios.policy.masking import load_masker
from aios.settings import Settings
from aios.users.oidc.provider import open_provider


def serve_stdio(settings: Settings, user: str) -> None:
    """Serve over stdio, every call made as ``user`` (the person at the desktop)."""
    me = direct_user(settings, user)
    server = open_server(settings, lambda _: me, "stdio")
    anyio.run(_serve_stdio, server)


def serve_http(settings: Settings, host: str, port: int) -> None:
    """Serve Streamable HTTP on ``host``:``port``; each request's API key (or the identity
    provider's access token, where one is configured) names its user."""
    rates = KeyRates(settings.api_rate_limit)
    server = open_server(settings, http.user_of, "http")
    people = directory(settings)
    calls = open_direct_calls(settings)
    provider = open_provider(settings, people, calls.policy, calls.toolbox.trail, "mcp")
    app = http.http_app(server, people, rates, provider)
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
    pending = open_pending(settings, open_direct_calls(settings))
    masker = load_masker(settings.masking_file)
    data_dir = settings.ensure_data_dir()

    def knowledge() -> Retriever:
        base = KnowledgeBase.open(data_dir, load_embedder(settings), chroma_url=settings.chroma_url)
        return base.retriever

    documents = Documents(open_catalog(data_dir), retriever or knowledge, masker)
    calls = GovernedCalls(pending, documents, masker)
    return build_server(calls, documents, user_of, transport, __version__)


async def _serve_stdio(server: Server[Any, Any]) -> None:
    async with stdio_server() as (read, write):
        await server.run(read, write, server.create_initialization_options())
