"""What a decision says it answers, and the refusal of one that answers something else.

A person decides on what they were shown: a card with its buttons, a Slack message, the
question read out on a call. By the time the decision arrives the conversation may have moved
on (a correction made a new confirmation, another tab or worker decided it), so every decision
names the confirmation (its id) and the arguments it showed (their hash), and the core refuses
one that does not name what waits now. A typed "yes" names the confirmation shown last.
"""

from __future__ import annotations

from dataclasses import dataclass

from aios.assistant.events import ConfirmationRequired

REPLACED = "That confirmation was replaced by a newer one; nothing was done. Answer the newest."
ALREADY_DECIDED = "That was already decided; nothing more was done."
REFUSALS = frozenset({"replaced", "already_decided", "busy"})
"""Error codes of a decision the core did not take because it answered something else."""


@dataclass(frozen=True)
class Shown:
    """The confirmation a decision answers, as it was shown."""

    confirmation_id: str
    args_hash: str

    @classmethod
    def of(cls, event: ConfirmationRequired) -> Shown:
        return cls(event.id, event.args_hash)


class DecisionRefused(Exception):
    """A decision on something that no longer waits: ``replaced`` or ``already_decided``."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code, self.message = code, message


def refusal(pending: ConfirmationRequired | None, shown: Shown) -> DecisionRefused | None:
    """Why a decision on ``shown`` may not be taken while ``pending`` waits; None if it may."""
    if pending is None:
        return DecisionRefused("already_decided", ALREADY_DECIDED)
    if shown != Shown.of(pending):
        return DecisionRefused("replaced", REPLACED)
    return None
