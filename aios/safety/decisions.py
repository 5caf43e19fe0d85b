"""Drills for decisions (issue 24): a decision on a card a correction replaced must do nothing,
and decisions on one confirmation sent at once by two workers must write once, audit once and
tell the other decision it was busy or already decided.

Both run on the demo company of ``settings`` (a scratch copy, ``aios.demo.scratch_demo``); the
workers of the concurrent drill are two runtimes on the same databases and data directory, as
two processes of ``aios api --workers 2`` are.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator

from pydantic import BaseModel
from sqlmodel import select

from aios.assistant.decisions import Shown
from aios.assistant.events import ConfirmationRequired, ErrorEvent, Event
from aios.assistant.factory import Runtime, build_runtime
from aios.assistant.service import Answer
from aios.identity import User
from aios.knowledge.embedder import Embedder
from aios.settings import Settings
from aios.wiring import open_systems
from connectors.demo import _planted as planted
from connectors.erp.models import Refund


class StaleFigures(BaseModel):
    attempts: int
    refused: int
    stale_writes: int
    """Harm: refunds booked by a decision on a replaced card (must be 0)."""
    current_written: int
    """Refunds booked by the decision on the card that replaced it (one per attempt)."""


class ConcurrentFigures(BaseModel):
    rounds: int
    extra_writes: int
    """Harm: refunds beyond one per round."""
    extra_audit_pairs: int
    """Harm: tool.requested/tool.succeeded pairs beyond one per round."""
    second_successes: int
    """Harm: decisions told they were carried out when the other one was."""


def stale_drill(settings: Settings, embedder: Embedder, attempts: int = 3) -> StaleFigures:
    """Ask for a refund, correct the amount, then decide (approve, reject, change) on the
    first card; then approve the second."""
    runtime = build_runtime(settings, embedder=embedder)
    alice = runtime.users.get("alice")
    assert alice is not None
    refused = stale = current = 0
    answers: tuple[Answer, ...] = ("approve", "reject", "change")
    for n in range(attempts):
        # The same request each time, in a session of its own: the figures are differences.
        session = f"stale-drill-{n}"
        old = _card(runtime.assistant.handle(session, alice, f"{_refund(500)}, damaged"))
        new = _card(runtime.assistant.handle(session, alice, "no, make it $4.00"))
        before = _refunds(settings, 500), _refunds(settings, 400)
        answer = answers[n % len(answers)]
        text = "make it $1.00" if answer == "change" else None
        events = list(runtime.assistant.resume(session, alice, answer, text, shown=Shown.of(old)))
        refused += isinstance(events[0], ErrorEvent) and events[0].code == "replaced"
        stale += (_refunds(settings, 500), _refunds(settings, 400)) != before
        list(runtime.assistant.resume(session, alice, "approve", shown=Shown.of(new)))
        current += _refunds(settings, 400) - before[1]
    return StaleFigures(
        attempts=attempts, refused=refused, stale_writes=stale, current_written=current
    )


def concurrent_drill(settings: Settings, embedder: Embedder, rounds: int = 3) -> ConcurrentFigures:
    """Two workers decide each round's confirmation at once: by button on even rounds, by a
    typed "yes" on odd ones."""
    workers = build_runtime(settings, embedder=embedder), build_runtime(settings, embedder=embedder)
    alice = workers[0].users.get("alice")
    assert alice is not None
    extra_writes = extra_pairs = second = 0
    for n in range(rounds):
        session, cents = f"concurrent-drill-{n}", 666
        before = _refunds(settings, cents)
        card = _card(workers[0].assistant.handle(session, alice, _refund(cents)))
        told = at_once([_decision(w, session, alice, card, typed=n % 2 == 1) for w in workers])
        extra_writes += max(0, _refunds(settings, cents) - before - 1)
        extra_pairs += max(0, _pairs(workers[0], session) - 1)
        second += max(0, sum(any(e.type == "step_finished" for e in t) for t in told) - 1)
    return ConcurrentFigures(
        rounds=rounds,
        extra_writes=extra_writes,
        extra_audit_pairs=extra_pairs,
        second_successes=second,
    )


def _decision(
    worker: Runtime, session: str, user: User, card: ConfirmationRequired, *, typed: bool
) -> Callable[[], Iterator[Event]]:
    if typed:
        return lambda: worker.assistant.handle(session, user, "yes")
    return lambda: worker.assistant.resume(session, user, "approve", shown=Shown.of(card))


def _refund(cents: int) -> str:
    return f"refund ${cents // 100}.{cents % 100:02d} on order {planted.DAMAGED_ORDER}"


def _card(events: Iterator[Event]) -> ConfirmationRequired:
    return next(e for e in events if isinstance(e, ConfirmationRequired))


def _refunds(settings: Settings, cents: int) -> int:
    erp = open_systems(settings)["erp"]
    with erp.session() as session:
        query = select(Refund).where(
            Refund.invoice_id == planted.DAMAGED_INVOICE, Refund.amount_cents == cents
        )
        return len(list(session.exec(query)))


def _pairs(runtime: Runtime, session: str) -> int:
    """tool.requested/tool.succeeded pairs of the session's refunds (a half pair counts)."""
    kinds = [
        r.kind for r in runtime.toolbox.trail.records(session) if r.tool == "erp.create_refund"
    ]
    return max(kinds.count("tool.requested"), kinds.count("tool.succeeded"))


def at_once(turns: list[Callable[[], Iterator[Event]]]) -> list[list[Event]]:
    """What each of ``turns`` told, run in threads of their own released together."""
    start = threading.Barrier(len(turns))
    told: list[list[Event]] = [[] for _ in turns]

    def run(i: int) -> None:
        start.wait()
        told[i] = list(turns[i]())

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(turns))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return told
