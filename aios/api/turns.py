"""Taking a turn over the API (one at a time per session is the core's lock,
``aios.assistant.locks``, across workers), each event kept in the session's
transcript (and, for an ``Idempotency-Key``, in its claim) the moment the assistant yields it,
so a Server-Sent Events client reads each event as it happens, not when the turn ends."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from typing import Protocol

from aios.api.metrics import ApiMetrics
from aios.api.models import TurnOut
from aios.api.store import ApiStore
from aios.assistant.events import DoneEvent, Event
from aios.assistant.threads import iterate_in_thread
from aios.identity import User

Run = Callable[[], Iterator[Event]]


class Keeper(Protocol):
    """Who else keeps a turn's events as they come: an idempotent request's claim."""

    def started(self) -> None: ...

    def kept(self, event: Event) -> None: ...

    def finished(self) -> None: ...

    def failed(self) -> None: ...


class Turns:
    def __init__(self, store: ApiStore, metrics: ApiMetrics) -> None:
        self.store = store
        self.metrics = metrics

    def recorded(
        self, session_id: str, user: User, said: str | None, run: Run, keeper: Keeper | None = None
    ) -> Run:
        """``run``, each event written to the transcript (and ``keeper``) before it is passed
        on. It runs in the turn's worker thread, so a slow database never stalls the server."""

        def produce() -> Iterator[Event]:
            started = time.perf_counter()
            events: list[Event] = []
            if keeper is not None:
                keeper.started()
            try:
                for event in run():
                    dumped = event.model_dump(mode="json")
                    self.store.record(session_id, user.name, said if not events else None, [dumped])
                    events.append(event)
                    if keeper is not None:
                        keeper.kept(event)
                    yield event
            except Exception:
                if keeper is not None:
                    keeper.failed()
                raise
            self.metrics.turn(events, time.perf_counter() - started)
            if keeper is not None:
                keeper.finished()

        return produce

    async def events(
        self, session_id: str, user: User, said: str | None, run: Run, keeper: Keeper | None = None
    ) -> AsyncIterator[Event]:
        """The turn's events as they happen."""
        produce = self.recorded(session_id, user, said, run, keeper)
        async for event in iterate_in_thread(produce):
            yield event

    async def take(
        self, session_id: str, user: User, said: str | None, run: Run, keeper: Keeper | None = None
    ) -> TurnOut:
        """The whole turn, for a client that waits for it."""
        events = [e async for e in self.events(session_id, user, said, run, keeper)]
        return turn_out(session_id, events)


def turn_out(session_id: str, events: Sequence[Event]) -> TurnOut:
    done = next((e for e in reversed(events) if isinstance(e, DoneEvent)), None)
    return TurnOut(
        session_id=session_id, status=done.status if done else "failed", events=list(events)
    )


async def server_sent(
    events: AsyncIterator[Event] | None, before: Sequence[Event] = ()
) -> AsyncIterator[dict[str, str]]:
    """``before`` and then ``events`` as Server-Sent Events, each sent when it is there."""
    for event in before:
        yield _sse(event)
    if events is not None:
        async for event in events:
            yield _sse(event)


def _sse(event: Event) -> dict[str, str]:
    return {"event": event.type, "data": event.model_dump_json()}
