"""What the chain head proves (issue 24.13): a trail whose every row and head were deleted is
not "intact: 0 rows"; with AIOS_AUDIT_KEY the head is signed, so rewriting the table and the
head together is detected too, and without the key it is not (what each mode proves)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import update
from typer.testing import CliRunner

from aios.audit import AuditTrail, Break, ChainHead, FileHeadStore, open_trail
from aios.audit._canonical import HASHED_FIELDS, row_hash
from aios.cli.audit import app
from aios.migrations import upgrade
from aios.safety import tamper as _tamper
from aios.safety.tamper import T
from aios.settings import Settings
from tests.audit.conftest import Backend, Ticker, event
from tests.settings import REPO

runner = CliRunner()
KEY = b"a key kept away from the data directory"
N = 12


def _trail(backend: Backend, key: bytes | None) -> AuditTrail:
    trail = AuditTrail(backend.engine, FileHeadStore(backend.head_path, key), clock=Ticker())
    trail.create_tables()
    return trail


def _rewrite_newest(backend: Backend, head_key: bytes | None) -> None:
    """Someone with the database and the head file, who knows the scheme: edits the newest row,
    recomputes its hash, and saves a head that matches (signed with ``head_key``)."""
    (row,) = _tamper.rows(backend.engine, [N])
    row["actor"] = "mallory"
    new_hash = row_hash(row[name] for name in HASHED_FIELDS)
    with backend.engine.begin() as conn:
        conn.execute(update(T).where(T.c.seq == N).values(actor="mallory", hash=new_hash))
    backend.head_path.unlink()
    FileHeadStore(backend.head_path, head_key).write(ChainHead(seq=N, hash=new_hash))


def test_a_new_trail_verifies_empty(backend: Backend) -> None:
    report = _trail(backend, None).verify()
    assert (report.ok, report.rows_checked) == (True, 0)
    assert report.head == ChainHead(seq=0, hash="0" * 64)


def test_deleting_every_row_and_the_head_cannot_pass_as_a_new_trail(backend: Backend) -> None:
    trail = _trail(backend, None)
    trail.append_many([event(i) for i in range(N)])
    with backend.engine.begin() as conn:
        conn.execute(T.delete())
    backend.head_path.unlink()

    # Every process opens the trail again; that must not begin it anew.
    reopened = _trail(backend, None)
    report = reopened.verify()

    assert not report.ok
    assert report.problem is Break.HEAD_MISSING
    assert report.reason.startswith("cannot verify")
    assert not backend.head_path.exists()


def test_an_empty_table_without_a_head_is_never_intact(backend: Backend) -> None:
    # A trail never begun (its head never saved) cannot vouch for being empty either.
    upgrade(backend.engine, "state")  # the tables, without AuditTrail.create_tables
    trail = AuditTrail(backend.engine, FileHeadStore(backend.head_path))
    report = trail.verify()
    assert (report.ok, report.problem) == (False, Break.HEAD_MISSING)


def test_without_a_key_a_rewrite_of_table_and_head_goes_unnoticed(backend: Backend) -> None:
    """What the unsigned head proves: nothing against someone who can write the head file."""
    trail = _trail(backend, None)
    trail.append_many([event(i) for i in range(N)])
    _rewrite_newest(backend, None)

    report = trail.verify()
    assert report.ok
    assert not report.head_signed


@pytest.mark.parametrize("forger_key", [None, b"a guessed key"])
def test_with_a_key_a_rewrite_of_table_and_head_is_detected(
    backend: Backend, forger_key: bytes | None
) -> None:
    trail = _trail(backend, KEY)
    trail.append_many([event(i) for i in range(N)])
    assert trail.verify().head_signed
    _rewrite_newest(backend, forger_key)

    report = trail.verify()
    assert not report.ok
    assert report.problem is Break.HEAD_MISMATCH
    assert "AIOS_AUDIT_KEY" in report.reason


def test_signed_heads_go_on_signing(backend: Backend) -> None:
    trail = _trail(backend, KEY)
    for i in range(3):
        trail.append(event(i))
    saved = json.loads(backend.head_path.read_text())
    assert saved["seq"] == 3 and len(saved["mac"]) == 64
    assert trail.verify().ok


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)  # no stray .env
    monkeypatch.delenv("AIOS_STATE_URL", raising=False)
    monkeypatch.delenv("AIOS_AUDIT_KEY", raising=False)
    monkeypatch.setenv("AIOS_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("AIOS_MASKING_FILE", str(REPO / "policies" / "masking.yaml"))
    return tmp_path / "data"


def test_verify_after_every_row_and_the_head_were_deleted_exits_1(data_dir: Path) -> None:
    trail = open_trail(Settings())
    trail.append_many([event(i) for i in range(5)])
    with trail.engine.begin() as conn:
        conn.execute(T.delete())
    (data_dir / "audit.head").unlink()

    result = runner.invoke(app, ["verify"])

    assert result.exit_code == 1, result.output
    assert "cannot verify" in result.output
    assert "chain intact" not in result.output


def test_verify_says_whether_the_head_is_signed(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    open_trail(Settings()).append(event(0))
    unsigned = runner.invoke(app, ["verify"])
    assert unsigned.exit_code == 0, unsigned.output
    assert "head not signed" in unsigned.output

    monkeypatch.setenv("AIOS_AUDIT_KEY", KEY.decode())
    before_the_key = runner.invoke(app, ["verify"])
    assert before_the_key.exit_code == 1  # the head saved before the key is not signed
    assert "not signed under AIOS_AUDIT_KEY" in before_the_key.output

    open_trail(Settings()).append(event(1))
    signed = runner.invoke(app, ["verify"])
    assert signed.exit_code == 0, signed.output
    assert "head signed" in signed.output
