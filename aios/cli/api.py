"""``aios api``: the HTTP API (``/v1``) on its own, for intranet pages and services."""

from __future__ import annotations

import typer
import uvicorn

from aios import observability
from aios.settings import Settings

WORKERS_HELP = "Worker processes; more than one needs the state on PostgreSQL (see docs)."


def api(
    host: str = typer.Option("127.0.0.1", help="Address to listen on."),
    port: int = typer.Option(8200, help="Port to listen on."),
    workers: int = typer.Option(1, min=1, help=WORKERS_HELP),
) -> None:
    """Serve the HTTP API; OpenAPI at /docs. Create keys with `aios users add-key`."""
    typer.echo("Loading the assistant…", err=True)
    log_config = observability.configure(Settings(), server=True)
    # Each worker process builds its own runtime through the factory.
    uvicorn.run(
        "aios.api.asgi:api_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="info",
        log_config=log_config,
    )
