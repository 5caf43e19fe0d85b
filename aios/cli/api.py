"""``aios api``: the HTTP API (``/v1``) on its own, for intranet pages and services."""

from __future__ import annotations

import typer
import uvicorn

from aios.api.app import create_app
from aios.api.store import open_api_store
from aios.assistant.factory import build_runtime
from aios.settings import Settings


def api(
    host: str = typer.Option("127.0.0.1", help="Address to listen on."),
    port: int = typer.Option(8200, help="Port to listen on."),
) -> None:
    """Serve the HTTP API; OpenAPI at /docs. Create keys with `aios users add-key`."""
    settings = Settings()
    typer.echo("Loading the assistant…", err=True)
    app = create_app(build_runtime(settings), open_api_store(settings))
    uvicorn.run(app, host=host, port=port, log_level="info")
