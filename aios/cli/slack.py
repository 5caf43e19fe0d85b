"""``aios slack``: the Slack bot, over Socket Mode or as an Events API endpoint."""

from __future__ import annotations

from enum import StrEnum

import typer

from aios import observability
from aios.settings import Settings


class Mode(StrEnum):
    SOCKET = "socket"
    HTTP = "http"


def slack(
    mode: Mode = typer.Option(Mode.SOCKET, help="socket: Socket Mode; http: the Events API."),
    host: str = typer.Option("127.0.0.1", help="HTTP mode: address to listen on."),
    port: int = typer.Option(3000, help="HTTP mode: port to listen on."),
) -> None:
    """Run the Slack bot. Link people first: `aios users link-slack U0123ABCD alice`."""
    # The bot and the assistant behind it: imported to run, not when the CLI starts.
    import uvicorn

    from aios.assistant.factory import build_runtime
    from aios.slack.serve import EVENTS_PATH, SlackNotConfigured, build_bot, credentials

    settings = Settings()
    log_config = observability.configure(settings, server=True)
    app_token = settings.slack_app_token
    verify = mode is Mode.HTTP
    try:
        credentials(settings, verify_requests=verify)
    except SlackNotConfigured as exc:
        raise typer.BadParameter(str(exc)) from None
    if app_token is None and not verify:
        raise typer.BadParameter("AIOS_SLACK_APP_TOKEN is not set (xapp-…, for Socket Mode)")
    typer.echo("Loading the assistant…", err=True)
    bot = build_bot(build_runtime(settings), verify_requests=verify)
    with bot.watching():
        if app_token is not None and not verify:
            bot.socket_mode(app_token.get_secret_value()).start()  # type: ignore[no-untyped-call]
        else:
            typer.echo(f"Slack events at http://{host}:{port}{EVENTS_PATH}", err=True)
            uvicorn.run(
                bot.http_app(), host=host, port=port, log_level="info", log_config=log_config
            )
