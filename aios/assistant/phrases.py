"""Small rules of wording every front end shares, so a turn reads the same in each."""

from __future__ import annotations

import re

from aios.assistant.events import PlanEvent

_JOINERS = re.compile(r"\b(?:then|and)\b|[\s;,.]")


def understood_beyond_steps(plan: PlanEvent) -> str | None:
    """What the assistant understood, when it says more than the plan's steps do; None when it
    is only the steps joined ("Refund …; then add a note …"), which the steps already show."""
    rest = plan.understood.lower()
    for step in plan.steps:
        rest = rest.replace(step.description.lower(), " ", 1)
    return plan.understood if _JOINERS.sub("", rest) else None


def sentence(text: str) -> str:
    """``text`` starting with a capital, as a message to a person does."""
    return text[:1].upper() + text[1:]
