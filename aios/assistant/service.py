"""The one core service every channel uses: ``handle`` a message, ``resume`` a decision.

Both yield the typed events of ``aios.assistant.events``, ending with a ``DoneEvent``. State
lives in the graph's checkpointer, so a conversation paused for a confirmation survives a
restart and resumes on the same session id, in this process or another.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from typing import Any, Literal

from langgraph.graph.state import CompiledStateGraph
from langgraph.types import Command

from aios.assistant.events import (
    EVENT_ADAPTER,
    ConfirmationRequired,
    DoneEvent,
    ErrorEvent,
    Event,
)
from aios.graph.state import Decision, TurnContext, TurnState
from aios.identity import User

log = logging.getLogger(__name__)

_YES = re.compile(
    r"^\s*(y|yes|yep|yeah|ok|okay|sure|confirm(ed)?|approve[d]?|go ahead|do it|proceed)"
    r"([\s,]+(confirm(ed)?|please|go ahead|do it))?\s*[.!]*\s*$",
    re.I,
)
_NO = re.compile(r"^\s*(n|no|nope|cancel|stop|reject(ed)?|abort|don'?t)\s*[.!]*\s*$", re.I)
_STATUS = {
    "completed": "completed",
    "answered": "completed",
    "needs_input": "needs_input",
    "failed": "failed",
    "denied": "failed",
    "cancelled": "cancelled",
}
Answer = Literal["approve", "reject", "change"]


class Assistant:
    def __init__(
        self, graph: CompiledStateGraph[TurnState, TurnContext, TurnState, TurnState]
    ) -> None:
        self.graph = graph

    def handle(self, session_id: str, user: User, text: str) -> Iterator[Event]:
        """A message. While a confirmation is pending, "yes"/"no" decide it and anything
        else is taken as a change to the request ("no, make it $40")."""
        if self.pending(session_id) is not None:
            if _YES.match(text):
                yield from self.resume(session_id, user, "approve")
            elif _NO.match(text):
                yield from self.resume(session_id, user, "reject")
            else:
                yield from self.resume(session_id, user, "change", text)
            return
        yield from self._run({"text": text}, session_id, user)

    def resume(
        self, session_id: str, user: User, answer: Answer, text: str | None = None
    ) -> Iterator[Event]:
        """A decision on the pending confirmation or approval, checked against who may give it."""
        pending = self.pending(session_id)
        if pending is None:
            yield ErrorEvent(
                code="nothing_pending", message="There is nothing waiting for a decision."
            )
            yield DoneEvent(status="failed")
            return
        refusal = self._refusal(pending, user, answer)
        if refusal:
            yield ErrorEvent(code="not_allowed", message=refusal)
            yield DoneEvent(status="awaiting_confirmation")
            return
        decision: Decision = {"answer": answer, "user": user.name, "role": user.role}
        if text:
            decision["text"] = text
        yield from self._run(Command(resume=decision), session_id, user)

    def pending(self, session_id: str) -> ConfirmationRequired | None:
        state = self.graph.get_state(_config(session_id))
        if not state.interrupts:
            return None
        return ConfirmationRequired.model_validate(state.interrupts[0].value)

    def _refusal(self, pending: ConfirmationRequired, user: User, answer: Answer) -> str | None:
        requester = pending.requester
        if pending.decision == "confirm" or answer == "change":
            if user.name != requester:
                return f"Only {requester}, who asked for this, can confirm or change it."
            return None
        if user.name == requester:
            return (
                f"This needs approval by someone else with the {pending.approver_role} role "
                "(four-eyes); you cannot approve your own request."
            )
        if user.role != pending.approver_role:
            return f"Only a user with the {pending.approver_role} role can approve this."
        return None

    def _run(self, payload: Any, session_id: str, user: User) -> Iterator[Event]:
        config = _config(session_id)
        context = TurnContext(user=user, session_id=session_id)
        try:
            for mode, chunk in self.graph.stream(
                payload, config, context=context, stream_mode=["custom", "updates"]
            ):
                if mode == "custom":
                    yield EVENT_ADAPTER.validate_python(chunk)
                elif isinstance(chunk, dict) and "__interrupt__" in chunk:
                    for pending in chunk["__interrupt__"]:
                        yield ConfirmationRequired.model_validate(pending.value)
        except Exception:
            # The checkpoint keeps everything up to the failed step; nothing is lost.
            log.exception("turn failed in session %s", session_id)
            yield ErrorEvent(code="internal_error", message="Something went wrong on our side.")
            yield DoneEvent(status="failed")
            return
        state = self.graph.get_state(config)
        if state.interrupts:
            yield DoneEvent(status="awaiting_confirmation")
            return
        outcome = str(state.values.get("outcome", "completed"))
        yield DoneEvent(status=_STATUS.get(outcome, "completed"))


def _config(session_id: str) -> Any:
    return {"configurable": {"thread_id": session_id}}
