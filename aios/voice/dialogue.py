"""What a voice channel says of a turn, and what it will not take as a spoken answer.

The assistant decides everything; a voice channel only has to read a turn out and to be
stricter than a typed one about "yes": a confirmation by voice must be an explicit "yes,
confirm", because a lone "yes" is too easily misheard or said to someone else; and what the
engine was unsure of is repeated back before anything is done with it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from pydantic import BaseModel

from aios.assistant.events import (
    ClarificationEvent,
    ConfirmationRequired,
    ErrorEvent,
    Event,
    MessageEvent,
    PlanEvent,
)
from aios.voice.listen import Heard

ASK_EXPLICIT = "To go ahead, say: yes, confirm."
SAY_AGAIN = "Then please say it again."
UNSURE = 0.3
"""Below this confidence a transcript is repeated back before acting on it (as the page does)."""
_BARE_YES = re.compile(r"^\s*(yes|yeah|yep|ok|okay|sure)\s*[.!]*\s*$", re.I)
_RIGHT = re.compile(r"^\s*(yes|yeah|yep|right|correct)\b", re.I)
_MARKUP = re.compile(r"\*\*|`|\*")


def bare_yes(text: str) -> bool:
    """Whether ``text`` is a yes without "confirm", which a voice channel asks again for."""
    return _BARE_YES.match(text) is not None


def stopped(text: str) -> str:
    """``text`` ending a sentence: a full stop added unless it ends with one already."""
    text = text.rstrip()
    return text if text.endswith((".", "?", "!")) else f"{text}."


def readout(events: Iterable[Event]) -> str:
    """The turn as one text to speak: what was understood, what needs confirming (in full,
    and how to answer), replies, questions and errors."""
    said: list[str] = []
    for event in events:
        if isinstance(event, PlanEvent):
            said.append(event.understood)
        elif isinstance(event, ConfirmationRequired):
            # A stop after what will be done, whatever it ends with ("… (order SO-1042)"):
            # read out, it is a sentence apart from how to answer.
            text = stopped(event.text)
            if event.decision == "approve":
                said.append(f"{text} This needs approval by {event.approver_role}.")
            else:
                said.append(f"{text} Say yes, confirm, to go ahead, or no to cancel.")
        elif isinstance(event, MessageEvent):
            said.append(event.text)
        elif isinstance(event, ClarificationEvent):
            options = f" {', or '.join(event.options)}?" if event.options else ""
            said.append(event.question + options)
        elif isinstance(event, ErrorEvent):
            said.append(event.message)
    return _MARKUP.sub("", " ".join(said))


class Say(BaseModel):
    """Answer the caller with ``text``; the assistant is told nothing."""

    text: str


class Tell(BaseModel):
    """Tell the assistant ``text``, as if typed."""

    text: str


class Dialogue:
    """One voice conversation's rules for what was heard, before the assistant hears of it."""

    def __init__(self) -> None:
        self.unsure: str | None = None

    def answer(self, heard: Heard, waiting: Callable[[], bool]) -> Say | Tell:
        """What to do with ``heard``; ``waiting()`` tells whether a confirmation is pending."""
        if self.unsure is not None:
            held, self.unsure = self.unsure, None
            return Tell(text=held) if _RIGHT.match(heard.text) else Say(text=SAY_AGAIN)
        if bare_yes(heard.text) and waiting():
            return Say(text=ASK_EXPLICIT)
        if heard.confidence < UNSURE:
            self.unsure = heard.text
            return Say(text=f"I heard: {heard.text.rstrip('.!? ')}. Is that right?")
        return Tell(text=heard.text)
