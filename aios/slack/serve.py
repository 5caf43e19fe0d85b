"""Running the Slack app: over Socket Mode (no public URL needed) or as an HTTP endpoint for
the Events API, with the approval watcher beside it."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from slack_bolt import App
from slack_bolt.adapter.socket_mode import SocketModeHandler
from slack_bolt.adapter.starlette import SlackRequestHandler
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from aios.assistant.factory import Runtime
from aios.settings import Settings
from aios.slack.app import SlackAdapter, create_app
from aios.slack.post import web_client
from aios.slack.store import open_slack_store
from aios.slack.verify import malformed, signed

EVENTS_PATH = "/slack/events"
"""Where Slack sends events and interactions in HTTP mode (the Request URL of both)."""
WATCH_EVERY_S = 30.0
"""How often approval requests are escalated, expired and redrawn."""


class SlackNotConfigured(ValueError):
    """A token or secret the chosen mode needs is not set; the message names it."""


@dataclass
class SlackBot:
    adapter: SlackAdapter
    app: App
    signing_secret: str | None = None
    """HTTP mode's: requests not signed with it are refused before anything reads them."""

    @contextmanager
    def watching(self, every_s: float = WATCH_EVERY_S) -> Iterator[None]:
        """Keep approval requests current while the block runs."""
        stop = threading.Event()
        watcher = threading.Thread(
            target=self.adapter.board.watch, args=(stop, every_s), daemon=True
        )
        watcher.start()
        try:
            yield
        finally:
            stop.set()
            watcher.join(timeout=10)

    def http_app(self) -> Starlette:
        handler = SlackRequestHandler(self.app)
        secret = self.signing_secret

        async def events(request: Request) -> Response:
            body = await request.body()  # kept by Starlette: bolt reads the same bytes
            if secret is not None and not signed(body, request.headers, secret, time.time()):
                return PlainTextResponse("invalid or stale signature", status_code=401)
            wrong = malformed(body, request.headers.get("content-type", ""))
            if wrong is not None:
                return PlainTextResponse(f"malformed request: {wrong}", status_code=400)
            return await handler.handle(request)

        return Starlette(routes=[Route(EVENTS_PATH, events, methods=["POST"])])

    def socket_mode(self, app_token: str) -> SocketModeHandler:
        return SocketModeHandler(self.app, app_token)


def credentials(settings: Settings, *, verify_requests: bool) -> tuple[str, str | None]:
    """The bot token, and the signing secret when requests are verified (HTTP mode: Socket
    Mode's requests come over the app's own authenticated connection)."""
    token, secret = settings.slack_bot_token, settings.slack_signing_secret
    if token is None:
        raise SlackNotConfigured("AIOS_SLACK_BOT_TOKEN is not set (the bot token, xoxb-…)")
    if not verify_requests:
        return token.get_secret_value(), None
    if secret is None:
        raise SlackNotConfigured("AIOS_SLACK_SIGNING_SECRET is not set (Basic Information)")
    return token.get_secret_value(), secret.get_secret_value()


def build_bot(runtime: Runtime, *, verify_requests: bool = True) -> SlackBot:
    settings = runtime.settings
    token, secret = credentials(settings, verify_requests=verify_requests)
    client = web_client(token, settings.slack_api_url)
    adapter = SlackAdapter(
        runtime, open_slack_store(settings), client, settings.slack_approvers_channel
    )
    return SlackBot(adapter, create_app(adapter, client, secret), secret)
