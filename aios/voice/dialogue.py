"""What a voice channel says of a turn, and what it will not take as a spoken answer.

The assistant decides everything; a voice channel only has to read a turn out and to be
stricter than a typed one about "yes": a confirmation by voice must be an explicit "yes,
confirm", because a lone "yes" is too easily misheard or said to someone else.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from aios.assistant.events import (
    ClarificationEvent,
    ConfirmationRequired,
    ErrorEvent,
    Event,
    MessageEvent,
    PlanEvent,
)

ASK_EXPLICIT = "To go ahead, say: yes, confirm."
_BARE_YES = re.compile(r"^\s*(yes|yeah|yep|ok|okay|sure)\s*[.!]*\s*$", re.I)
_MARKUP = re.compile(r"\*\*|`|\*")


def bare_yes(text: str) -> bool:
    """Whether ``text`` is a yes without "confirm", which a voice channel asks again for."""
    return _BARE_YES.match(text) is not None


def readout(events: Iterable[Event]) -> str:
    """The turn as one text to speak: what was understood, what needs confirming (in full,
    and how to answer), replies, questions and errors."""
    said: list[str] = []
    for event in events:
        if isinstance(event, PlanEvent):
            said.append(event.understood)
        elif isinstance(event, ConfirmationRequired):
            if event.decision == "approve":
                said.append(f"{event.text} This needs approval by {event.approver_role}.")
            else:
                said.append(f"{event.text} Say yes, confirm, to go ahead, or no to cancel.")
        elif isinstance(event, MessageEvent):
            said.append(event.text)
        elif isinstance(event, ClarificationEvent):
            options = f" {', or '.join(event.options)}?" if event.options else ""
            said.append(event.question + options)
        elif isinstance(event, ErrorEvent):
            said.append(event.message)
    return _MARKUP.sub("", " ".join(said))
