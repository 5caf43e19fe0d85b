"""Two workers, one conversation (issue 24, point 7): decisions on the same confirmation sent
at once are carried out once, with one tool.requested/tool.succeeded pair in the audit trail,
and the other decision is told the conversation is busy or already decided, never a second
success. Each worker is a runtime of its own on the shared databases; on SQLite they share
the data directory as two processes on one machine do."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlmodel import Session, select

from aios.assistant.decisions import Shown
from aios.assistant.events import Event
from aios.assistant.factory import build_runtime
from aios.assistant.locks import FileLocks, PostgresLocks, SessionBusy, open_locks
from aios.identity import demo_users
from aios.knowledge.embedder import Embedder
from aios.safety.decisions import at_once
from aios.settings import Settings
from aios.wiring import open_systems
from connectors.demo import _planted as planted
from connectors.erp.models import Refund

ALICE = demo_users()["alice"]
REQUEST = f"refund $6.66 on {planted.DAMAGED_ORDER}"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def shared(request: pytest.FixtureRequest, demo_settings: Settings) -> Iterator[Settings]:
    if request.param == "postgres":
        yield request.getfixturevalue("pg_settings")
    else:
        yield demo_settings


def _refunds(settings: Settings) -> int:
    with Session(open_systems(settings)["erp"].engine) as erp:
        found = erp.exec(
            select(Refund).where(
                Refund.invoice_id == planted.DAMAGED_INVOICE, Refund.amount_cents == 666
            )
        )
        return len(list(found))


def _pairs(runtime, session: str) -> tuple[int, int]:
    kinds = [
        r.kind for r in runtime.toolbox.trail.records(session) if r.tool == "erp.create_refund"
    ]
    return kinds.count("tool.requested"), kinds.count("tool.succeeded")


def _winner_and_loser(results: list[list[Event]]) -> tuple[list[Event], list[Event]]:
    lost = [r for r in results if r[0].type == "error"]
    won = [r for r in results if r[0].type != "error"]
    assert len(won) == 1 and len(lost) == len(results) - 1, results
    return won[0], lost[0]


@pytest.mark.parametrize("how", ["buttons", "typed"])
def test_two_workers_deciding_at_once_write_once_and_audit_once(
    shared: Settings, embedder: Embedder, how: str
) -> None:
    a = build_runtime(shared, embedder=embedder)
    b = build_runtime(shared, embedder=embedder)
    session = f"both-{how}"
    before = _refunds(shared)
    card = next(
        e for e in a.assistant.handle(session, ALICE, REQUEST) if e.type == "confirmation_required"
    )
    if how == "buttons":
        shown = Shown.of(card)
        turns = [
            lambda w=w: w.assistant.resume(session, ALICE, "approve", shown=shown) for w in (a, b)
        ]
    else:
        turns = [lambda w=w: w.assistant.handle(session, ALICE, "yes") for w in (a, b)]

    won, lost = _winner_and_loser(at_once(turns))

    assert _refunds(shared) == before + 1
    assert _pairs(a, session) == (1, 1)
    assert "step_finished" in [e.type for e in won]
    assert [e.type for e in lost] == ["error", "done"]
    assert lost[0].code in {"busy", "already_decided"}


def test_a_held_conversation_is_busy_for_another_worker(shared: Settings) -> None:
    first, second = open_locks(shared, wait_s=0.2), open_locks(shared, wait_s=0.2)
    expected = FileLocks if shared.db_url("state").startswith("sqlite") else PostgresLocks
    assert isinstance(first, expected)
    with first.hold("s-1"):
        with first.hold("s-1"):  # the holder may take it again (handle resumes inside)
            pass
        with pytest.raises(SessionBusy), second.hold("s-1"):
            pass
        with second.hold("s-2"):  # other conversations are not held up
            pass
    with second.hold("s-1"):  # released with the block
        pass


def test_file_locks_live_in_the_data_directory(tmp_path: Path) -> None:
    locks = FileLocks(tmp_path / "locks", wait_s=0.1)
    with locks.hold("x"):
        assert list((tmp_path / "locks").iterdir())
