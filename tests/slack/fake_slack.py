"""A fake Slack Web API on loopback: it answers the methods the bot calls and records every
call, so tests see exactly what Slack would have been told."""

from __future__ import annotations

import asyncio
import itertools
import json
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar
from urllib.parse import parse_qsl

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket

T = TypeVar("T")
BOT_USER = "UBOT"
TEAM = "T0AIOS"


@dataclass
class Call:
    method: str
    args: dict[str, Any]

    def text(self) -> str:
        """Everything a person would read in the call: text and the blocks' texts."""
        return self.args.get("text", "") + "\n" + json.dumps(self.args.get("blocks", []))


@dataclass
class FakeSlack:
    calls: list[Call] = field(default_factory=list)
    throttled: dict[str, int] = field(default_factory=dict)
    """Method → how many of its next calls get 429 with Retry-After: 1."""
    slow: dict[str, float] = field(default_factory=dict)
    """Method → seconds it takes to answer (a turn that cannot finish within Slack's 3 s)."""
    acks: list[dict[str, Any]] = field(default_factory=list)
    """What the app answered to Socket Mode envelopes."""
    envelopes: queue.Queue[dict[str, Any]] = field(default_factory=queue.Queue)
    """Socket Mode envelopes waiting to be sent to the connected app."""
    _ts: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _host: str = ""

    @property
    def app(self) -> Starlette:
        return Starlette(
            routes=[
                Route("/api/{method}", self._call, methods=["POST"]),
                WebSocketRoute("/link", self._socket),
            ]
        )

    async def _socket(self, socket: WebSocket) -> None:
        """Socket Mode: hello, then each queued envelope; the app's acks are recorded."""
        await socket.accept()
        await socket.send_json({"type": "hello", "num_connections": 1})

        async def send() -> None:
            while True:
                try:
                    await socket.send_json(self.envelopes.get_nowait())
                except queue.Empty:
                    await asyncio.sleep(0.05)

        sending = asyncio.create_task(send())
        try:
            while True:
                self.acks.append(json.loads(await socket.receive_text()))
        except Exception:
            sending.cancel()

    async def _call(self, request: Request) -> JSONResponse:
        method = request.path_params["method"]
        raw = (await request.body()).decode()
        if request.headers.get("content-type", "").startswith("application/json"):
            args = json.loads(raw or "{}")
        else:
            args = dict(parse_qsl(raw))
        if isinstance(args.get("blocks"), str):
            args["blocks"] = json.loads(args["blocks"])
        with self._lock:
            self._host = request.url.netloc
            self.calls.append(Call(method, args))
            if self.throttled.get(method, 0) > 0:
                self.throttled[method] -= 1
                return JSONResponse(
                    {"ok": False, "error": "ratelimited"},
                    status_code=429,
                    headers={"Retry-After": "1"},
                )
            ts = f"1800000000.{next(self._ts):06d}"
            if method == "chat.postMessage":
                args["ts"] = ts  # so a test can click on what was posted
        await asyncio.sleep(self.slow.get(method, 0))
        return JSONResponse({"ok": True, **self._answer(method, args, ts)})

    def _answer(self, method: str, args: dict[str, Any], ts: str) -> dict[str, Any]:
        channel = args.get("channel", "")
        if method == "apps.connections.open":
            return {"url": f"ws://{self._host}/link"}
        if method == "auth.test":
            return {"user_id": BOT_USER, "bot_id": "BBOT", "team_id": TEAM, "user": "aios"}
        if method == "chat.getPermalink":
            stamp = str(args["message_ts"]).replace(".", "")
            return {"permalink": f"https://meridian.slack.com/archives/{channel}/p{stamp}"}
        if method == "chat.postEphemeral":
            return {"message_ts": ts}
        return {"channel": channel, "ts": args.get("ts", ts)}

    def of(self, method: str, **match: Any) -> list[Call]:
        with self._lock:
            found = [c for c in self.calls if c.method == method]
        return [c for c in found if all(c.args.get(k) == v for k, v in match.items())]

    def wait(
        self, found: Callable[[], list[Call]], count: int = 1, timeout: float = 60
    ) -> list[Call]:
        """``found()`` once it holds ``count`` calls; fails after ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        while len(calls := found()) < count:
            if time.monotonic() > deadline:
                raise AssertionError(f"expected {count} call(s), saw {len(calls)}: {self.calls}")
            time.sleep(0.05)
        return calls
