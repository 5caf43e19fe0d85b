"""``aios mcp``: the connectors' operations as a governed MCP server, for AI assistants.

Over stdio (a desktop client starts it) the person at that desktop is ``--user``; over
Streamable HTTP (``--http``, for server-side agents) each request's API key (or identity
provider token) names the user.
"""

from __future__ import annotations

import json
import os
from typing import TYPE_CHECKING

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from aios import __version__, observability
from aios.settings import Settings
from connectors.clock import utc_now
from connectors.errors import ConnectorError

if TYPE_CHECKING:
    from aios.mcp.confirmations import Answer
    from aios.mcp.pending import PendingCalls


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
        False,
        "--http",
        help="Serve Streamable HTTP at /mcp; each caller needs an API key (or, where one is "
        "configured, the identity provider's token).",
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
    # The MCP server, the API's key checks and the knowledge base: loaded to serve, not when
    # the CLI starts.
    from aios.cli.mcp_server import serve_http, serve_stdio

    if user is None:
        serve_http(settings, host, port)
    else:
        serve_stdio(settings, user)


@app.command("confirmations")
def confirmations(
    user: str = typer.Option(..., "--as", help="Whose calls: a user of the directory."),
    every: bool = typer.Option(False, "--all", help="Answered and expired ones too."),
    as_json: bool = typer.Option(False, "--json", help="Print them as JSON."),
) -> None:
    """The calls an MCP client made for USER that wait for their confirmation, oldest first
    (the web chat shows them too, and the HTTP API lists them)."""
    from aios.cli.tools import direct_user

    settings = Settings()
    me = direct_user(settings, user)
    pending = _pending(settings)
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
    """Confirm a call an MCP client made for you: it runs now, exactly as it was held, once
    (refused if it was answered already, here, in the chat or over the API)."""
    _answer(confirmation_id, user, "confirm")


@app.command("decline")
def decline(
    confirmation_id: str = typer.Argument(help="The held call, e.g. CF-0a1b…"),
    user: str = typer.Option(..., "--as", help="Who declines: the user the call was made for."),
) -> None:
    """Decline a call an MCP client made for you: nothing runs, and the id is used up."""
    _answer(confirmation_id, user, "decline")


def _answer(ident: str, user: str, answer: Answer) -> None:
    from aios.audit import AuditUnavailable
    from aios.cli.tools import direct_user
    from aios.direct import Via
    from aios.mcp.confirmations import ConfirmationRefused

    settings = Settings()
    me = direct_user(settings, user)
    pending = _pending(settings)
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
    shown = pending.shown(done, me)
    if shown is not None:
        typer.echo(json.dumps(shown, indent=2, default=str))


def _pending(settings: Settings) -> PendingCalls:
    """The calls held for confirmation, and the direct-call path that carries them out."""
    from aios.cli.tools import open_direct_calls
    from aios.mcp.pending import open_pending

    return open_pending(settings, open_direct_calls(settings))
