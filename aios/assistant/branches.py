"""A conversation's graph threads: its own, and one more each time the person goes on working
while a four-eyes request of theirs waits for someone else.

A four-eyes request waits at an interrupt in its thread for as long as the approver takes,
hours maybe. The conversation does not wait with it: the next message that is not about that
request goes on in a new thread (``S``, then ``S~1``, ``S~2``…) that starts from the waiting
thread's memory, so "their open cases" still means the customer just talked about. The
waiting thread resumes where it is when the request is decided, withdrawn or changed.

Threads are found by their names, so nothing besides the checkpoints has to be kept or
migrated; session ids are made by aios (``web-…``, ``slack-…``, the API's), never with ``~``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from langgraph.graph.state import CompiledStateGraph
from langgraph.types import StateSnapshot

from aios.assistant.events import ConfirmationRequired
from aios.graph.state import TurnContext, TurnState

Graph = CompiledStateGraph[TurnState, TurnContext, TurnState, TurnState]
SEPARATOR = "~"
States = list[tuple[str, StateSnapshot]]


@dataclass(frozen=True)
class Waiting:
    """A thread paused on a confirmation or an approval, and what it shows."""

    thread: str
    confirmation: ConfirmationRequired


class Branches:
    def __init__(self, graph: Graph) -> None:
        self.graph = graph

    def of(self, session_id: str) -> list[str]:
        """Every thread of the conversation, oldest first: the last is where it goes on."""
        return [thread for thread, _ in self.states(session_id)]

    def states(self, session_id: str) -> States:
        """Every thread of the conversation with its state, oldest first. A turn reads them
        once and hands them on: each read loads and decodes a checkpoint."""
        found = [(session_id, self.state(session_id))]
        while (state := self.state(name := f"{session_id}{SEPARATOR}{len(found)}")).created_at:
            found.append((name, state))
        return found

    def state(self, thread: str) -> StateSnapshot:
        return self.graph.get_state(config(thread))

    def waiting(self, session_id: str, states: States | None = None) -> Iterator[Waiting]:
        """The threads paused on a decision, newest first (of ``states``, when read already)."""
        for thread, state in reversed(self.states(session_id) if states is None else states):
            if state.interrupts:
                confirmation = ConfirmationRequired.model_validate(state.interrupts[0].value)
                yield Waiting(thread, confirmation)

    def carrying(self, session_id: str, approval_id: str) -> str:
        """The thread that filed ``approval_id`` (it waits for it, or was carrying it out)."""
        for thread, state in self.states(session_id):
            if state.values.get("approval") == approval_id:
                return thread
        return session_id

    @staticmethod
    def branch(session_id: str, threads: list[str]) -> str:
        """The name of the thread the conversation goes on in next."""
        return f"{session_id}{SEPARATOR}{len(threads)}"


def config(thread: str) -> Any:
    return {"configurable": {"thread_id": thread}}
