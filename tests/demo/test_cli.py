"""``aios demo seed``: seeds the databases under AIOS_DATA_DIR and prints what it wrote."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from aios.cli.demo import app
from aios.settings import Settings
from aios.wiring import open_systems
from connectors.crm.models import Account
from tests.settings import REPO

from .conftest import close, rows

runner = CliRunner()


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)  # no stray .env
    for name in ("AIOS_CRM_URL", "AIOS_ERP_URL", "AIOS_DEMO_SEED"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AIOS_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("AIOS_POLICY_FILE", str(REPO / "policies" / "actions.yaml"))
    return tmp_path / "data"


def _account_names() -> list[str]:
    systems = open_systems(Settings())
    try:
        return sorted(a.name for a in rows(systems, Account))
    finally:
        close(systems)


def test_seed_prints_the_counts(data_dir: Path) -> None:
    result = runner.invoke(app, ["seed"])

    assert result.exit_code == 0, result.output
    assert "sales_orders" in result.output and "330" in result.output
    assert "seed 42" in result.output
    assert (data_dir / "crm.db").exists() and (data_dir / "erp.db").exists()
    assert "Blue Harbor Logistics" in _account_names()


def test_seeding_twice_asks_for_force(data_dir: Path) -> None:
    runner.invoke(app, ["seed"])

    result = runner.invoke(app, ["seed", "--seed", "7"])

    assert result.exit_code == 0
    assert "already seeded; use --force to start over" in result.output


def test_force_and_seed_start_over_with_other_data(data_dir: Path) -> None:
    runner.invoke(app, ["seed"])
    first = _account_names()

    result = runner.invoke(app, ["seed", "--force", "--seed", "7"])

    assert result.exit_code == 0, result.output
    assert "seed 7" in result.output
    assert _account_names() != first


def test_the_seed_defaults_to_the_setting(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AIOS_DEMO_SEED", "7")

    result = runner.invoke(app, ["seed"])

    assert "seed 7" in result.output
