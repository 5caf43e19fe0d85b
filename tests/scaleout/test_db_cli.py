"""``aios db upgrade`` and ``aios db current``, as the deployment docs use them."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from aios.cli.main import app
from aios.migrations import head

runner = CliRunner()


def test_upgrade_one_then_all_and_say_where_each_is(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AIOS_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("AIOS_ERP_URL", f"sqlite:///{tmp_path / 'books.db'}")

    before = runner.invoke(app, ["db", "current"])
    assert before.exit_code == 0, before.output
    assert "erp: at nothing (not migrated yet), behind: newest is erp_0001" in before.output

    one = runner.invoke(app, ["db", "upgrade", "--database", "crm"])
    assert one.exit_code == 0, one.output
    assert one.output.splitlines() == [f"crm: at crm_0001 (sqlite:///{tmp_path / 'crm.db'})"]

    every = runner.invoke(app, ["db", "upgrade"])
    assert every.exit_code == 0, every.output
    after = runner.invoke(app, ["db", "current"])
    assert after.output.splitlines() == [
        f"state: at {head('state')}, up to date (sqlite:///{tmp_path / 'state.db'})",
        f"crm: at crm_0001, up to date (sqlite:///{tmp_path / 'crm.db'})",
        f"erp: at erp_0001, up to date (sqlite:///{tmp_path / 'books.db'})",
    ]
