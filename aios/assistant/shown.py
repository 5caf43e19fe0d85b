"""Events as the person they are for may see them: the personal data their role is not
cleared for masked in every result and every piece of text, at the one place the core's events
leave it (``Assistant``), so no front end can forget it."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from aios.assistant.events import (
    EVENT_ADAPTER,
    ClarificationEvent,
    ErrorEvent,
    Event,
    MessageEvent,
    StepFinished,
)
from aios.policy.masking import Masker


def shown_to(event: Event, masker: Masker, role: str) -> Event:
    """``event`` with what ``role`` may not see masked. A plan, a step's arguments and a
    confirmation are left as they are: they repeat what the person asked for, and what they
    confirm must be exactly what will run."""

    def text(value: str) -> str:
        return masker.mask_text(value, role)

    update: dict[str, Any]
    if isinstance(event, StepFinished):
        update = {"result": masker.shown(event.result, role), "summary": text(event.summary)}
        if event.error is not None:
            update["error"] = text(event.error)
    elif isinstance(event, MessageEvent):
        citations = [
            c.model_copy(update={"snippet": text(c.snippet), "heading": text(c.heading)})
            for c in event.citations
        ]
        update = {"text": text(event.text), "citations": citations}
    elif isinstance(event, ClarificationEvent):
        update = {"question": text(event.question), "options": [text(o) for o in event.options]}
    elif isinstance(event, ErrorEvent):
        update = {"message": text(event.message)}
    else:
        return event
    return event.model_copy(update=update)


def kept_for(kept: dict[str, Any], masker: Masker, role: str) -> dict[str, Any]:
    """An event kept as JSON (a transcript's), as ``role`` may see it now: it may have been
    kept as someone else saw it (an approver deciding in the requester's conversation)."""
    try:
        event = EVENT_ADAPTER.validate_python(kept)
    except ValidationError:
        # Not an event of today's shape: mask all of it rather than show it unchecked.
        masked: dict[str, Any] = masker.shown(kept, role)
        return masked
    return shown_to(event, masker, role).model_dump(mode="json")
