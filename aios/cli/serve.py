"""``aios serve``: the web chat and the HTTP API in one process, on one port.

The API answers under ``/v1`` (and ``/widget.js``, ``/metrics``), the chat under ``/chat``;
both share one runtime, so an approval asked for in the chat is decided over the API and the
other way round. Chainlit reads ``app.py`` and ``.chainlit/`` from the working directory, so
run it from the checkout (as ``make run`` does).
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from aios import observability
from aios.api.workers import ServerSpec
from aios.cli.api import WORKERS_HELP, serve_workers
from aios.cli.users import directory
from aios.settings import Settings
from aios.web.login import DemoLoginExposed, refuse_exposed_demo

if TYPE_CHECKING:
    from fastapi import FastAPI

CHAT_PATH = "/chat"


# What the worker processes need from the command line; each builds its app from these.
_CHAT_APP, _HOST, _PORT = "AIOS_SERVE_CHAT_APP", "AIOS_SERVE_HOST", "AIOS_SERVE_PORT"


def serve(
    host: str = typer.Option("127.0.0.1", help="Address to listen on."),
    port: int = typer.Option(8000, help="Port to listen on."),
    chat_app: Path = typer.Option(Path("app.py"), help="The Chainlit entry point."),
    workers: int = typer.Option(1, min=1, help=WORKERS_HELP),
    allow_demo_login: bool = typer.Option(
        False,
        "--allow-demo-login",
        help="Serve beyond loopback although users still have the demo password (a shared "
        "demo; same as AIOS_ALLOW_DEMO_LOGIN=1).",
    ),
) -> None:
    """Serve the web chat (/chat) and the HTTP API (/v1, /widget.js) together."""
    if not chat_app.is_file():
        raise typer.BadParameter(f"{chat_app} not found: run from the aios checkout")
    os.environ.update({_CHAT_APP: str(chat_app), _HOST: host, _PORT: str(port)})
    if allow_demo_login:
        os.environ["AIOS_ALLOW_DEMO_LOGIN"] = "1"  # the workers check it again as they start
    settings = Settings()
    try:
        refuse_exposed_demo(host, directory(settings), allowed=settings.allow_demo_login)
    except DemoLoginExposed as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(2) from None
    typer.echo("Loading the assistant…", err=True)
    log_config = observability.configure(settings, server=True)
    typer.echo(
        f"Web chat at http://{host}:{port}{CHAT_PATH}, API at http://{host}:{port}/v1", err=True
    )
    spec = ServerSpec("aios.cli.serve:chat_and_api", host, port, log_config)
    serve_workers(spec, workers, settings)


def chat_and_api() -> FastAPI:
    """The app of one worker process: the API with the chat mounted under /chat."""
    # Chainlit configures itself when imported, from the working directory; it and the
    # assistant load in the worker, not when the CLI starts.
    from chainlit.config import config
    from chainlit.server import app as chainlit_app
    from chainlit.utils import mount_chainlit

    from aios.api.app import create_app
    from aios.api.store import open_api_store
    from aios.web.process import process_runtime

    runtime = process_runtime()
    app = create_app(runtime, open_api_store(runtime.settings))
    config.run.headless = True  # never open a browser on the server
    config.run.host, config.run.port = os.environ[_HOST], int(os.environ[_PORT])
    mount_chainlit(app, target=os.environ[_CHAT_APP], path=CHAT_PATH)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        # A mounted app's own startup never runs by itself: run the chat's (its warm-up and
        # approval sweep) inside ours.
        async with chainlit_app.router.lifespan_context(chainlit_app):
            yield

    app.router.lifespan_context = lifespan
    return app
