"""What the Slack app must be granted, declared once: the bot registers its listeners from it,
and ``examples/slack-manifest*.yaml`` (the app created in one step) must list exactly it
(``tests/slack/test_slack_manifest.py``)."""

from __future__ import annotations

from aios.slack.blocks import APPROVAL, CHOOSE, CONFIRM

EVENTS: dict[str, tuple[str, ...]] = {
    "app_mention": ("app_mention",),
    # A direct message, and a reply in a thread aios is part of (no mention needed there).
    "message": ("message.im", "message.channels", "message.groups"),
}
"""Each event the bot listens to (bolt's name) → the bot events Slack must send for it."""

EVENT_SCOPES: dict[str, str] = {
    "app_mention": "app_mentions:read",
    "message.im": "im:history",
    "message.channels": "channels:history",
    "message.groups": "groups:history",
}
"""The scope each bot event needs."""

METHOD_SCOPES: dict[str, str | None] = {
    "chat_postMessage": "chat:write",
    "chat_update": "chat:write",
    "chat_postEphemeral": "chat:write",
    "chat_getPermalink": None,
}
"""Each Web API method the bot calls (``aios.slack.post``) → the scope it needs, if any."""

ACTIONS: tuple[str, ...] = (CONFIRM, APPROVAL, CHOOSE)
"""Prefixes of the action ids of the buttons the bot draws: a click comes back as an
interaction, so interactivity must be on."""


def bot_events() -> list[str]:
    return sorted(e for events in EVENTS.values() for e in events)


def bot_scopes() -> list[str]:
    needed = {EVENT_SCOPES[e] for e in bot_events()} | set(METHOD_SCOPES.values())
    return sorted(s for s in needed if s is not None)


def interactive() -> bool:
    return bool(ACTIONS)
