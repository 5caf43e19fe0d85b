"""``aios mcp``: the connectors' operations as a governed MCP server, for AI assistants.

Over stdio (a desktop client starts it) the person at that desktop is ``--user``; over
Streamable HTTP (``--http``, for server-side agents) each request's API key names the user.
"""

from __future__ import annotations

import typer

from aios import observability
from aios.settings import Settings


def mcp(
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
