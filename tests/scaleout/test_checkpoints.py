"""Conversations checkpointed in PostgreSQL: a conversation paused on one worker goes on on
another, and what it writes is written once."""

from __future__ import annotations

from pathlib import Path

import pytest
from langgraph.checkpoint.postgres import PostgresSaver
from langgraph.checkpoint.sqlite import SqliteSaver
from pydantic import ValidationError
from sqlmodel import Session, select

from aios.assistant.checkpointer import open_checkpointer
from aios.assistant.factory import build_runtime
from aios.identity import demo_users
from aios.knowledge.embedder import Embedder
from aios.settings import Settings
from aios.wiring import open_systems
from connectors.crm.models import Note
from connectors.demo import _planted as planted
from connectors.erp.models import Refund

REQUEST = (
    "Blue Harbor says order SO-1042 arrived broken, refund them $45 and note it on their open case"
)


def _written(settings: Settings) -> tuple[list[Refund], list[Note]]:
    systems = open_systems(settings)
    with Session(systems["erp"].engine) as erp, Session(systems["crm"].engine) as crm:
        refunds = erp.exec(select(Refund).where(Refund.invoice_id == planted.DAMAGED_INVOICE))
        notes = crm.exec(select(Note).where(Note.case_id == planted.DAMAGED_CASE))
        return list(refunds), list(notes)


@pytest.mark.postgres
def test_paused_on_one_worker_resumed_on_another_written_once(
    pg_settings: Settings, embedder: Embedder
) -> None:
    alice = demo_users()["alice"]
    worker_a = build_runtime(pg_settings, embedder=embedder)
    worker_b = build_runtime(pg_settings, embedder=embedder)
    refunds_before, _ = _written(pg_settings)

    asked = list(worker_a.assistant.handle("w-1", alice, REQUEST))
    assert [e.type for e in asked] == ["plan", "confirmation_required", "done"]
    assert _written(pg_settings)[0] == refunds_before  # nothing written before the "yes"

    # B has never seen this conversation: it finds the pause in PostgreSQL and goes on.
    pending = worker_b.assistant.pending("w-1")
    assert pending is not None and pending.tool == "erp.create_refund"
    refunded = list(worker_b.assistant.handle("w-1", alice, "yes"))
    assert [e.type for e in refunded] == [
        "step_started",
        "step_finished",
        "message",  # the refund, told before the note is asked about
        "confirmation_required",
        "done",
    ]
    # And A sees where B left it: the note waits for its confirmation.
    next_up = worker_a.assistant.pending("w-1")
    assert next_up is not None and next_up.tool == "crm.add_note"
    noted = list(worker_a.assistant.handle("w-1", alice, "yes"))
    assert noted[-1].status == "completed"  # type: ignore[attr-defined]

    refunds, notes = _written(pg_settings)
    assert len(refunds) == len(refunds_before) + 1
    assert refunds[-1].amount_cents == 4500
    assert [n.author for n in notes] == ["alice"]
    assert not (pg_settings.data_dir / "checkpoints.db").exists()


def test_checkpoints_stay_in_the_data_directory_without_postgres(tmp_path: Path) -> None:
    saver = open_checkpointer(Settings(data_dir=tmp_path))

    assert isinstance(saver, SqliteSaver)
    assert (tmp_path / "checkpoints.db").exists()


@pytest.mark.postgres
def test_checkpoint_url_puts_only_the_conversations_on_postgres(
    pg_url: str, tmp_path: Path
) -> None:
    saver = open_checkpointer(Settings(data_dir=tmp_path, checkpoint_url=pg_url))

    assert isinstance(saver, PostgresSaver)
    assert saver.get_tuple({"configurable": {"thread_id": "none-yet"}}) is None


def test_checkpoint_url_must_name_postgres(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="must be a PostgreSQL URL"):
        Settings(checkpoint_url=f"sqlite:///{tmp_path / 'c.db'}")
