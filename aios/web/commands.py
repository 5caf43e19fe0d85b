"""Slash commands of the web chat; any other text goes to the assistant as it is."""

from __future__ import annotations

from dataclasses import dataclass

HELP = (
    "Commands: `/pending` shows what this chat is waiting on; `/pending <session>` shows another "
    "chat's request so that someone with the approver role can approve or reject it."
)


@dataclass(frozen=True)
class Pending:
    session: str | None
    """The session to look at; None for the chat's own."""


@dataclass(frozen=True)
class Unknown:
    name: str


Command = Pending | Unknown


def parse(text: str) -> Command | None:
    """The command ``text`` asks for, or None when it is a message for the assistant."""
    words = text.split()
    if not words or not words[0].startswith("/"):
        return None
    name, args = words[0][1:].lower(), words[1:]
    if name == "pending" and len(args) <= 1:
        return Pending(args[0] if args else None)
    return Unknown(name)


def session_for_thread(thread_id: str) -> str:
    """The assistant's session id for a Chainlit thread: one conversation, one checkpoint."""
    return f"web-{thread_id}"
