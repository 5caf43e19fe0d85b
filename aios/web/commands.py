"""Slash commands of the web chat, and the one also asked in words ('my pending confirmations');
any other text goes to the assistant as it is."""

from __future__ import annotations

import re
from dataclasses import dataclass

HELP = (
    "Commands: `/approvals` lists the requests you may approve and your own requests' state; "
    "`/pending` shows what this chat is waiting on; `/confirmations` shows the calls AI "
    "assistants made for you that wait for your confirmation."
)
_HELD = re.compile(
    r"(?:show|list|what are)?\s*(?:me\s+)?my\s+(?:pending\s+|held\s+|mcp\s+)*confirmations"
)


@dataclass(frozen=True)
class Pending:
    session: str | None
    """The session to look at; None for the chat's own."""


@dataclass(frozen=True)
class Approvals:
    """The approval requests the viewer may decide, and their own."""


@dataclass(frozen=True)
class HeldCalls:
    """The MCP calls held for the viewer's confirmation."""


@dataclass(frozen=True)
class Unknown:
    name: str


Command = Pending | Approvals | HeldCalls | Unknown


def parse(text: str) -> Command | None:
    """The command ``text`` asks for, or None when it is a message for the assistant."""
    words = text.split()
    # Asked in words too: the chat is where a person looks for what waits on them.
    if _HELD.fullmatch(" ".join(words).lower().rstrip("?.!")):
        return HeldCalls()
    if not words or not words[0].startswith("/"):
        return None
    name, args = words[0][1:].lower(), words[1:]
    if name == "pending" and len(args) <= 1:
        return Pending(args[0] if args else None)
    if name == "approvals" and not args:
        return Approvals()
    if name == "confirmations" and not args:
        return HeldCalls()
    return Unknown(name)


def session_for_thread(thread_id: str) -> str:
    """The assistant's session id for a Chainlit thread: one conversation, one checkpoint."""
    return f"web-{thread_id}"
