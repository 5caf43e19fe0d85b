"""``aios api``: the HTTP API (``/v1``) on its own, for intranet pages and services."""

from __future__ import annotations

import typer

from aios import observability
from aios.api.workers import PortTaken, ServerSpec, WorkerFailed, run_servers
from aios.settings import Settings

WORKERS_HELP = "Worker processes; more than one needs the state on PostgreSQL (see docs)."


def api(
    host: str = typer.Option("127.0.0.1", help="Address to listen on."),
    port: int = typer.Option(8200, help="Port to listen on."),
    workers: int = typer.Option(1, min=1, help=WORKERS_HELP),
) -> None:
    """Serve the HTTP API; OpenAPI at /docs. Create keys with `aios users add-key`."""
    settings = Settings()
    typer.echo("Loading the assistant…", err=True)
    log_config = observability.configure(settings, server=True)
    # Each worker process builds its own runtime through the factory.
    spec = ServerSpec("aios.api.asgi:api_app", host, port, log_config)
    serve_workers(spec, workers, settings)


def serve_workers(spec: ServerSpec, workers: int, settings: Settings) -> None:
    """Run the servers; a taken port or a worker that cannot start is said in one line."""
    if workers > 1 and settings.db_url("state").startswith("sqlite"):
        typer.echo(
            "Error: several workers need the state on PostgreSQL: set "
            "AIOS_STATE_URL=postgresql+psycopg://… (docs/deployment.md).",
            err=True,
        )
        raise typer.Exit(2)
    if workers > 1 and not settings.chroma_url:
        typer.echo(
            f"Note: the {workers} workers share the embedded Chroma store in "
            f"{settings.data_dir}; a Chroma server (AIOS_CHROMA_URL) suits several better.",
            err=True,
        )
    try:
        run_servers(spec, workers)
    except (PortTaken, WorkerFailed) as exc:
        typer.echo(f"Error: {exc}", err=True)
        raise typer.Exit(1) from None
