"""A write the system made whose success the trail could not record (issue 24, point 14): the
person is told it happened but is not on the record, ops lists it, and ``aios audit reconcile``
records it from the system's idempotency store. The trail fails at the storage edge: a trigger
in its real database refuses the ``tool.succeeded`` row."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import Engine, func, select, text
from typer.testing import CliRunner

from aios.audit import AuditEvent, open_trail
from aios.audit.table import AUDIT_TABLE
from aios.cli.audit import app
from aios.ops.queries import work
from connectors.demo import _planted as planted
from connectors.erp.models import Refund
from tests.settings import REPO

runner = CliRunner()


@pytest.fixture(autouse=True)
def cli_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """``aios audit`` reads Settings from the environment: the demo's data directory (set by
    demo_settings) and the repository's policy files."""
    for name in ("AIOS_STATE_URL", "AIOS_ERP_URL", "AIOS_CRM_URL", "AIOS_TRANSPORT"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AIOS_MASKING_FILE", str(REPO / "policies" / "masking.yaml"))
    monkeypatch.setenv("AIOS_POLICY_FILE", str(REPO / "policies" / "actions.yaml"))


def refuse(engine: Engine, kind: str) -> None:
    """The trail's table refuses rows of ``kind`` from now on, as a full disk would."""
    with engine.begin() as conn:
        conn.execute(
            text(
                "CREATE TRIGGER refuse BEFORE INSERT ON audit_events "
                f"WHEN NEW.kind = '{kind}' BEGIN SELECT RAISE(ABORT, 'disk full'); END"
            )
        )


def accept(engine: Engine) -> None:
    with engine.begin() as conn:
        conn.execute(text("DROP TRIGGER refuse"))


def refunds_of(rows, cents: int) -> list[Refund]:
    return [
        r
        for r in rows("erp", Refund)
        if r.invoice_id == planted.DAMAGED_INVOICE and r.amount_cents == cents
    ]


def rows_in(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(AUDIT_TABLE)).scalar_one())


def reconcile(*args: str) -> list[dict]:
    result = runner.invoke(app, ["reconcile", "--json", *args])
    assert result.exit_code == 0, result.output
    found: list[dict] = json.loads(result.output)
    return found


def test_a_write_not_on_record_is_told_listed_and_reconciled(runtime, users, rows):
    alice, trail = users["alice"], runtime.toolbox.trail
    list(runtime.assistant.handle("s1", alice, "refund $11 on SO-1042"))
    refuse(trail.engine, "tool.succeeded")

    done = list(runtime.assistant.handle("s1", alice, "yes"))

    # (a) It happened, once, and the person is told so, and that the record lacks it.
    made = refunds_of(rows, 1100)
    assert len(made) == 1
    notices = [e for e in done if e.type == "error"]
    assert [e.code for e in notices] == ["not_on_record"]
    said = notices[0].message
    assert made[0].id in said and "not yet on the audit record" in said
    assert "failed" not in said and "nothing was changed" not in said.lower()
    assert done[-1].status == "completed"
    accept(trail.engine)
    unfinished = work(runtime, "manager").unfinished_writes
    assert [(w.session_id, w.tool) for w in unfinished] == [("s1", "erp.create_refund")]

    # (b) Reconcile records it from the ERP's idempotency store; the chain still holds.
    found = reconcile()
    assert [(f["tool"], f["found"]) for f in found] == [("erp.create_refund", "succeeded")]
    recorded = [r for r in trail.records("s1") if r.kind == "tool.succeeded"]
    assert len(recorded) == 1
    assert recorded[0].arguments["_call"]["reconciled"] is True
    assert json.dumps(recorded[0].result).count(made[0].id) >= 1
    verified = runner.invoke(app, ["verify"])
    assert verified.exit_code == 0 and "chain intact" in verified.output
    assert work(runtime, "manager").unfinished_writes == []

    # Again: nothing left to record, nothing appended.
    count = rows_in(trail.engine)
    assert reconcile() == []
    assert rows_in(trail.engine) == count
    assert len(refunds_of(rows, 1100)) == 1


def test_a_requested_write_the_system_never_made_is_recorded_as_never_happened(demo_settings, rows):
    trail = open_trail(demo_settings)
    requested = AuditEvent(
        kind="tool.requested",
        actor="alice",
        session_id="s2",
        step="act:0",
        tool="erp.create_refund",
        arguments={
            "invoice_id": planted.DAMAGED_INVOICE,
            "amount": "12.00",
            "reason": "x",
            "_call": {"idempotency_key": "never-sent-1", "confirmed_by": "alice"},
        },
    )
    trail.append(requested.model_copy(update={"occurred_at": trail.clock() - timedelta(hours=1)}))
    # Just now: it may still be on its way, so it is not called off yet.
    arguments = {**requested.arguments, "_call": {"idempotency_key": "never-sent-2"}}
    trail.append(requested.model_copy(update={"session_id": "s3", "arguments": arguments}))

    found = reconcile()

    assert [(f["session_id"], f["found"]) for f in found] == [
        ("s2", "never_happened"),
        ("s3", "waiting"),
    ]
    failed = [r for r in trail.records("s2") if r.kind == "tool.failed"]
    assert len(failed) == 1 and failed[0].result["code"] == "never_happened"
    assert refunds_of(rows, 1200) == []
    assert [f["session_id"] for f in reconcile()] == ["s3"]  # s2 is settled for good
    assert [f["found"] for f in reconcile("--settle", "0")] == ["never_happened"]
    assert reconcile() == []
    assert runner.invoke(app, ["verify"]).exit_code == 0
