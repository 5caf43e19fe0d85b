"""The real bot over the real assistant, served on loopback, talking to a fake Slack."""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest
from pydantic import SecretStr

from aios.loopback import serve
from aios.slack.serve import EVENTS_PATH, SlackBot, build_bot
from aios.users.slack import SlackLinks
from tests.slack.fake_slack import BOT_USER, TEAM, Call, FakeSlack

SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
SUPPORT = "CSUPPORT"
APPROVERS = "CAPPROVERS"
PEOPLE = {"alice": "UALICE", "bob": "UBOB", "dave": "UDAVE"}


def signature(body: str, timestamp: int, secret: str = SECRET) -> str:
    base = f"v0:{timestamp}:{body}".encode()
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


@dataclass
class Workspace:
    """Slack as the tests drive it: people posting and clicking, and what the bot sent back."""

    url: str
    slack: FakeSlack
    bot: SlackBot
    _n: int = 0

    def send(
        self,
        body: str,
        content_type: str,
        *,
        timestamp: int | None = None,
        secret: str = SECRET,
        headers: dict[str, str] | None = None,
    ) -> httpx.Response:
        stamp = int(time.time()) if timestamp is None else timestamp
        signed = {
            "Content-Type": content_type,
            "X-Slack-Request-Timestamp": str(stamp),
            "X-Slack-Signature": signature(body, stamp, secret),
            **(headers or {}),
        }
        return httpx.post(self.url + EVENTS_PATH, content=body, headers=signed, timeout=10)

    def event(self, event: dict[str, Any], event_id: str | None = None) -> str:
        """An Events API delivery's body."""
        self._n += 1
        return json.dumps(
            {
                "token": "legacy",
                "team_id": TEAM,
                "api_app_id": "AAIOS",
                "type": "event_callback",
                "event_id": event_id or f"Ev{self._n:08d}",
                "event_time": int(time.time()),
                "event": event,
            }
        )

    def mention(self, person: str, text: str, ts: str, **send: Any) -> httpx.Response:
        event = {
            "type": "app_mention",
            "user": PEOPLE.get(person, person),
            "text": f"<@{BOT_USER}> {text}",
            "ts": ts,
            "channel": SUPPORT,
            "event_ts": ts,
        }
        return self.send(self.event(event), "application/json", **send)

    def click(self, person: str, button: dict[str, Any], message: dict[str, Any]) -> httpx.Response:
        """``person`` clicks ``button`` on the message the bot posted (a chat.postMessage)."""
        payload = {
            "type": "block_actions",
            "team": {"id": TEAM},
            "user": {"id": PEOPLE[person], "team_id": TEAM},
            "api_app_id": "AAIOS",
            "channel": {"id": message["channel"]},
            "container": {"type": "message", "message_ts": message["ts"]},
            "message": {"ts": message["ts"], "thread_ts": message.get("thread_ts")},
            "trigger_id": "1.2.3",
            "response_url": "https://hooks.invalid/actions",
            "actions": [{**button, "block_id": "b", "type": "button", "action_ts": "1"}],
        }
        body = urlencode({"payload": json.dumps(payload)})
        return self.send(body, "application/x-www-form-urlencoded")


RAW = {
    "a planner's confidence": re.compile(r"\d+% sure"),
    "an error code in brackets": re.compile(r"\((?:[a-z]+_)+[a-z]+\)"),
    "JSON": re.compile(r'"\w+": |```\s*[{\[]'),
}
"""What a person should never read in a reply: it is the web chat's words, not the machine's."""


def is_plan(call: Call) -> bool:
    """Whether ``call`` posts a plan: its first step, not yet run."""
    return ":white_circle: 1. " in call.text()


def raw_in(call: Call) -> list[str]:
    """What in ``call``'s texts reads as the machine's, not as words ("JSON: …")."""
    texts = [str(call.args.get("text", "")), *_texts(call.args.get("blocks", []))]
    return [f"{what}: {t}" for t in texts for what, pattern in RAW.items() if pattern.search(t)]


def _texts(value: Any) -> list[str]:
    if isinstance(value, dict):
        own = [value["text"]] if isinstance(value.get("text"), str) else []
        return own + [t for v in value.values() if not isinstance(v, str) for t in _texts(v)]
    if isinstance(value, list):
        return [t for v in value for t in _texts(v)]
    return []


def button(message: dict[str, Any], action_id: str) -> dict[str, Any]:
    for block in message["blocks"]:
        for element in block.get("elements", []):
            if element.get("action_id") == action_id:
                return {"action_id": action_id, "value": element["value"]}
    raise AssertionError(f"no {action_id} button in {message['blocks']}")


@pytest.fixture
def workspace(runtime):
    slack = FakeSlack()
    with serve(slack.app) as api:
        runtime.settings = runtime.settings.model_copy(
            update={
                "slack_bot_token": SecretStr("xoxb-test"),
                "slack_signing_secret": SecretStr(SECRET),
                "slack_approvers_channel": APPROVERS,
                "slack_api_url": f"{api}/api/",
            }
        )
        links = SlackLinks(runtime.users)
        for name, slack_id in PEOPLE.items():
            links.link(slack_id, name)
        bot = build_bot(runtime)
        with serve(bot.http_app()) as url:
            yield Workspace(url, slack, bot)
    # Whatever a test made the bot say, none of it could mention anyone or everyone, and all
    # of it reads as words.
    for call in slack.calls:
        assert "<!" not in call.text() and "<@" not in call.text(), call
        assert raw_in(call) == [], call
