"""``aios mcp``: the connectors' operations as a governed MCP server, for AI assistants.

Over stdio (a desktop client starts it) the person at that desktop is ``--user``; over
Streamable HTTP (``--http``, for server-side agents) each request's API key names the user.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from datetime import timedelta
from typing import Any, Literal

import anyio
import typer
import uvicorn
from mcp.server.lowlevel import Server
from mcp.server.stdio import stdio_server
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from aios import __version__, observability
from aios.api.auth import KeyRates
from aios.audit import AuditUnavailable
from aios.cli.tools import direct_user, open_direct_calls
from aios.cli.users import directory
from aios.db import open_database
from aios.direct import Via
from aios.knowledge.embedder import load_embedder
from aios.knowledge.index import open_catalog
from aios.knowledge.retriever import Retriever
from aios.knowledge.service import KnowledgeBase
from aios.mcp import http
from aios.mcp.calls import GovernedCalls
from aios.mcp.confirmations import Answer, ConfirmationRefused, Confirmations
from aios.mcp.documents import Documents
from aios.mcp.pending import PendingCalls
from aios.mcp.server import UserOf, build_server
from aios.policy.masking import load_masker
from aios.settings import Settings
from connectors.clock import utc_now
from connectors.errors import ConnectorError

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


@app.command("confirmations")
def confirmations(
    user: str = typer.Option(..., "--as", help="Whose calls: a user of the directory."),
    every: bool = typer.Option(False, "--all", help="Answered and expired ones too."),
    as_json: bool = typer.Option(False, "--json", help="Print them as JSON."),
) -> None:
    """The calls an MCP client made for USER that wait for their confirmation, oldest first."""
    settings = Settings()
    me = direct_user(settings, user)
    pending = open_pending(settings)
    found = pending.confirmations.of(me.name, every=every)
    if as_json:
        typer.echo(json.dumps([c.model_dump(mode="json") for c in found], indent=2))
        return
    table = Table()
    table.add_column("id", no_wrap=True)  # ids are copied into `confirm`; never split them
    for heading in ("standing", "expires", "client", "call", "why"):
        table.add_column(heading)
    now = utc_now()
    for held in found:
        standing = "expired" if held.expired(now) else held.status.value
        call = f"{held.tool} {json.dumps(held.arguments, default=str)}"
        table.add_row(
            held.id,
            standing,
            f"{held.expires_at:%H:%M} UTC",
            escape(held.client),
            escape(call),
            escape(held.reason),
        )
    console.print(table)


@app.command("confirm")
def confirm(
    confirmation_id: str = typer.Argument(help="The held call, e.g. CF-0a1b…"),
    user: str = typer.Option(..., "--as", help="Who confirms: the user the call was made for."),
) -> None:
    """Confirm a call an MCP client made for you: it runs now, exactly as it was held, once."""
    _answer(confirmation_id, user, "confirm")


@app.command("decline")
def decline(
    confirmation_id: str = typer.Argument(help="The held call, e.g. CF-0a1b…"),
    user: str = typer.Option(..., "--as", help="Who declines: the user the call was made for."),
) -> None:
    """Decline a call an MCP client made for you: nothing runs, and the id is used up."""
    _answer(confirmation_id, user, "decline")


def _answer(ident: str, user: str, answer: Answer) -> None:
    settings = Settings()
    me = direct_user(settings, user)
    pending = open_pending(settings)
    via = Via("terminal", f"aios {__version__}", "terminal", f"pid-{os.getpid()}", ident)
    try:
        held, done = pending.answer(me, ident, answer, via)
    except ConfirmationRefused as refused:
        console.print(f"[red]refused[/]: {escape(refused.message)}")
        raise typer.Exit(1) from None
    except ConnectorError as exc:
        console.print(f"[red]{exc.code}[/]: {escape(exc.message)}. Nothing was changed.")
        raise typer.Exit(2) from None
    except AuditUnavailable as exc:
        console.print(f"[red]audit_unavailable[/]: {escape(str(exc))}; nothing was changed.")
        raise typer.Exit(2) from None
    finally:
        pending.direct.toolbox.connectors.close()
    if done is None:
        console.print(f"{ident} declined by {me.name}: {held.tool} was not run.")
        return
    console.print(f"{ident} confirmed by {me.name}: {escape(held.tool)}. {held.outcome or ''}")
    masker = pending.direct.masker
    if done.result is not None:
        shown = masker.shown(done.result, me.role) if masker else done.result
        typer.echo(json.dumps(shown, indent=2, default=str))
