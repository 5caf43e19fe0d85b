"""``aios web``: the web chat on its own, as ``make run`` serves it. Chainlit serves ``app.py``
as ``chainlit run app.py --headless`` would; on a terminal it stays quiet, and once the chat
answers the last lines say where it is and whom to sign in as."""

from __future__ import annotations

import os
import socket
import threading
import time
from pathlib import Path

import typer

from aios import observability
from aios.cli.users import directory
from aios.settings import Settings
from aios.web.wording import demo_hint

_WAIT_S = 0.2


def web(
    host: str = typer.Option("127.0.0.1", help="Address to listen on."),
    port: int = typer.Option(8000, help="Port to listen on."),
    chat_app: Path = typer.Option(Path("app.py"), help="The Chainlit entry point."),
) -> None:
    """Serve the web chat (what `make run` starts); says where and as whom to sign in."""
    if not chat_app.is_file():
        raise typer.BadParameter(f"{chat_app} not found: run from the aios checkout")
    settings = Settings()
    # Before Chainlit is imported: its command line sends INFO lines to stdout for every logger
    # nobody set up, such as alembic's plugins as the app imports them.
    observability.configure(settings, server=True)
    typer.echo("Loading the assistant…", err=True)
    url = f"http://{host}:{port}"
    threading.Thread(target=_announce, args=(settings, host, port, url), daemon=True).start()

    from chainlit.cli import run_chainlit
    from chainlit.config import config

    os.environ.update(CHAINLIT_HOST=host, CHAINLIT_PORT=str(port))
    config.run.headless = True  # never open a browser from here
    run_chainlit(str(chat_app))


def _announce(settings: Settings, host: str, port: int, url: str) -> None:
    """Once the chat accepts connections (after it loaded the assistant), say where it is."""
    target = "127.0.0.1" if host in ("0.0.0.0", "") else host
    while True:
        try:
            socket.create_connection((target, port), timeout=1).close()
            break
        except OSError:
            time.sleep(_WAIT_S)
    hint = demo_hint(directory(settings), settings.demo_password.get_secret_value())
    sign_in = hint or "Sign in with your user name and password."
    typer.echo(f"The web chat is ready at {url}\n{sign_in}")
