"""Requests retried with the same ``Idempotency-Key`` get the same turn, not a second one.

The first request claims the key with a lease: its owner (this request) and an expiry, renewed
while the turn runs, on every event and by a heartbeat between them, with the events so far.
A retry while the lease holds is told the turn is still running (409 ``in_progress``); once
the lease has run out, the process running the turn died, and the retry takes the claim over:
it returns the turn's answer when the turn had finished, and otherwise recovers the turn.
"""

from __future__ import annotations

import hashlib
import json
import threading
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass

from aios.api.errors import ApiError
from aios.api.models import TurnOut
from aios.api.store import ApiStore, Claim
from aios.api.turns import turn_out
from aios.assistant.events import EVENT_ADAPTER, DoneEvent, Event

LEASE_S = 30.0
"""How long a claim outlives its last renewal: long enough for a busy database to answer a
renewal, short enough that a retry after a crash need not wait long."""


@dataclass(frozen=True)
class Replay:
    """The key's turn had finished: its answer, as first given."""

    turn: TurnOut


@dataclass(frozen=True)
class Run:
    """Run the turn under ``lease``. ``recovering`` when it is taken over from a process that
    died; ``lease.events`` then holds what that process had already sent."""

    lease: Lease
    recovering: bool


class Lease:
    """This request's hold on a key while its turn runs: a ``turns.Keeper``."""

    def __init__(
        self,
        store: ApiStore,
        user: str,
        key: str,
        session_id: str,
        owner: str,
        lease_s: float,
        events: list[Event],
    ) -> None:
        self.store, self.user, self.key, self.session_id = store, user, key, session_id
        self.owner = owner
        self.lease_s = lease_s
        self.events = events
        self._stop = threading.Event()
        self._heart: threading.Thread | None = None
        self._lock = threading.Lock()

    def started(self) -> None:
        """Renew the lease every third of its length until the turn ends, so a turn that
        thinks for a long time between two events is not taken for a dead one."""
        self._heart = threading.Thread(target=self._beat, name=f"lease-{self.key}", daemon=True)
        self._heart.start()

    def kept(self, event: Event) -> None:
        with self._lock:
            self.events.append(event)
            self._renew(with_progress=True)

    def finished(self) -> None:
        self._stop.set()
        with self._lock:
            turn = turn_out(self.session_id, self.events)
            self.store.complete(self.user, self.key, self.owner, turn.model_dump_json())

    def failed(self) -> None:
        """The turn raised: forget the claim, so a retry runs the turn again."""
        self._stop.set()
        with self._lock:
            self.store.release(self.user, self.key, self.owner)

    @property
    def turn(self) -> TurnOut:
        return turn_out(self.session_id, self.events)

    def _beat(self) -> None:
        while not self._stop.wait(self.lease_s / 3):
            with self._lock:
                if self._stop.is_set() or not self._renew(with_progress=False):
                    return

    def _renew(self, *, with_progress: bool) -> bool:
        progress = _dump(self.events) if with_progress else None
        until = self.store.clock().timestamp() + self.lease_s
        return self.store.renew(self.user, self.key, self.owner, until, progress)


class Idempotency:
    def __init__(self, store: ApiStore, lease_s: float = LEASE_S) -> None:
        self.store = store
        self.lease_s = lease_s

    def claim(self, user: str, key: str, session_id: str, text: str) -> Replay | Run:
        """What to do with a request carrying ``key``. Raises 422 ``idempotency_conflict``
        when the key was used for another request, 409 ``in_progress`` while its turn runs."""
        digest = hashlib.sha256(f"{session_id}\n{text}".encode()).hexdigest()
        owner = uuid.uuid4().hex
        now = self.store.clock().timestamp()
        found = self.store.reserve(user, key, digest, owner, now + self.lease_s)
        if found is None:
            return Run(self._lease(user, key, session_id, owner, []), recovering=False)
        if found.request_hash != digest:
            raise ApiError(422, "idempotency_conflict", "That key was used for another request.")
        if found.response is not None:
            return Replay(TurnOut.model_validate_json(found.response))
        if found.lease_until is not None and found.lease_until >= now:
            raise ApiError(409, "in_progress", "The first request with that key is still running.")
        if not self.store.take_over(user, key, found, owner, now, now + self.lease_s):
            # Another retry took it over a moment ago, and now runs it.
            raise ApiError(409, "in_progress", "The first request with that key is still running.")
        events = _load(found)
        lease = self._lease(user, key, session_id, owner, events)
        if events and isinstance(events[-1], DoneEvent):
            # The turn had ended; only its answer was not kept.
            lease.finished()
            return Replay(lease.turn)
        return Run(lease, recovering=True)

    def _lease(
        self, user: str, key: str, session_id: str, owner: str, events: list[Event]
    ) -> Lease:
        return Lease(self.store, user, key, session_id, owner, self.lease_s, events)


def recovered(
    events: Sequence[Event],
    recover: Callable[[], Iterable[Event]],
    pending: Callable[[], object | None],
    handle: Callable[[], Iterable[Event]],
) -> Iterator[Event]:
    """The rest of a turn taken over from a process that died, given what it had sent.

    The assistant finishes a run that was cut short (``recover``); when there was none and
    nothing had been sent, the turn never started, and runs now (``handle``). Otherwise it had
    ended in the assistant, and only its done event is missing."""
    finished = list(recover())
    if finished:
        yield from finished
        return
    if not events:
        yield from handle()
        return
    yield DoneEvent(status="awaiting_confirmation" if pending() is not None else "completed")


def _dump(events: list[Event]) -> str:
    return json.dumps([e.model_dump(mode="json") for e in events])


def _load(claim: Claim) -> list[Event]:
    if not claim.progress:
        return []
    return [EVENT_ADAPTER.validate_python(e) for e in json.loads(claim.progress)]
