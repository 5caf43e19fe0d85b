"""``aios audit verify`` and ``aios audit export`` on a data directory, as an operator runs them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import update
from typer.testing import CliRunner

from aios.audit import AuditTrail, open_trail
from aios.cli.audit import app
from aios.safety.tamper import T
from aios.settings import Settings
from tests.audit.conftest import event
from tests.settings import REPO

runner = CliRunner()


@pytest.fixture
def trail(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AuditTrail:
    monkeypatch.chdir(tmp_path)  # no stray .env
    monkeypatch.delenv("AIOS_STATE_URL", raising=False)
    monkeypatch.setenv("AIOS_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("AIOS_MASKING_FILE", str(REPO / "policies" / "masking.yaml"))
    monkeypatch.setenv("AIOS_POLICY_FILE", str(REPO / "policies" / "actions.yaml"))
    trail = open_trail(Settings())
    trail.append_many([event(i, session_id=f"s-{i % 2}") for i in range(5)])
    return trail


def test_open_trail_uses_the_data_directory(trail: AuditTrail, tmp_path: Path) -> None:
    assert (tmp_path / "data" / "state.db").exists()
    assert json.loads((tmp_path / "data" / "audit.head").read_text())["seq"] == 5


def test_verify_an_intact_chain(trail: AuditTrail) -> None:
    result = runner.invoke(app, ["verify"])

    assert result.exit_code == 0, result.output
    assert "chain intact: 5 rows" in result.output


def test_verify_a_tampered_chain_exits_1(trail: AuditTrail) -> None:
    with trail.engine.begin() as conn:
        conn.execute(update(T).where(T.c.seq == 3).values(actor="mallory"))

    result = runner.invoke(app, ["verify"])

    assert result.exit_code == 1
    assert "chain broken at seq 3" in result.output


def test_verify_as_json(trail: AuditTrail) -> None:
    with trail.engine.begin() as conn:
        conn.execute(T.delete().where(T.c.seq >= 4))

    result = runner.invoke(app, ["verify", "--json"])

    assert result.exit_code == 1
    report = json.loads(result.output)
    assert (report["ok"], report["first_broken_seq"], report["problem"]) == (False, 4, "truncated")


def test_export_jsonl_to_stdout(trail: AuditTrail) -> None:
    result = runner.invoke(app, ["export", "--session", "s-1"])

    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.output.splitlines()]
    assert [r["seq"] for r in rows] == [2, 4]


def test_export_for_an_unknown_role_is_refused(trail: AuditTrail) -> None:
    result = runner.invoke(app, ["export", "--session", "s-1", "--role", "nosuchrole"])

    assert result.exit_code == 2
    assert "unknown role 'nosuchrole'" in result.output
    assert "auditor" in result.output and "manager" in result.output  # the known ones
    assert '"seq"' not in result.output  # nothing was exported


def test_export_csv_to_a_file(trail: AuditTrail, tmp_path: Path) -> None:
    out = tmp_path / "s-0.csv"

    result = runner.invoke(
        app, ["export", "--session", "s-0", "--format", "csv", "--output", str(out)]
    )

    assert result.exit_code == 0, result.output
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("seq,prev_hash,hash,recorded_at")
    assert [line.split(",")[0] for line in lines[1:]] == ["1", "3", "5"]


def test_unavailable_trail_exits_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("AIOS_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv(
        "AIOS_STATE_URL", "postgresql+psycopg://postgres@127.0.0.1:1/none?connect_timeout=2"
    )

    result = runner.invoke(app, ["verify"])

    assert result.exit_code == 2
    assert "audit trail unavailable" in result.output
