"""Kill the process at every point between an approval and the system's acknowledgement.

Each run: alice asks for a $600 refund (four-eyes), dave decides in a process that SIGKILLs
itself at one point, then a new runtime (as a restarted process builds it) sweeps and alice
writes again. Counted in the ERP:
an approved refund exists exactly once, a rejected one never; the audit chain stays intact.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import pytest

from aios.approvals import ApprovalStatus
from aios.assistant.factory import build_runtime
from aios.audit import open_trail
from connectors.erp.models import Refund
from tests.conftest import REPO
from tests.governance._crash_child import POINTS, REQUEST, SESSION

INVOICE = "INV-2131"

pytestmark = pytest.mark.slow


def _crash(settings, answer, point):
    """dave decides in a process of its own, which dies at ``point``."""
    env = {**os.environ, "AIOS_DATA_DIR": str(settings.data_dir)}
    done = subprocess.run(
        [sys.executable, "-m", "tests.governance._crash_child", answer, point],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert done.returncode == -signal.SIGKILL, f"{point} was never reached: {done.stderr}"


def _refunds(rows):
    return [r for r in rows("erp", Refund) if r.invoice_id == INVOICE and r.amount_cents == 60000]


def _restart(settings, embedder):
    """A runtime as a restarted process builds it, after its first sweep."""
    runtime = build_runtime(settings, embedder=embedder)
    runtime.assistant.sweep()
    return runtime


CASES = [("approve", point) for point in POINTS] + [
    # a rejection never reaches the write, so only the points before it exist
    ("reject", "ledger_decided"),
    ("reject", "decision_audited"),
]


@pytest.mark.parametrize(("answer", "point"), CASES)
def test_a_crash_anywhere_leaves_the_decided_outcome_exactly_once(
    runtime, users, demo_settings, embedder, rows, answer, point
):
    asked = list(runtime.assistant.handle(SESSION, users["alice"], REQUEST))
    assert [e.type for e in asked] == ["plan", "confirmation_required", "done"]
    _crash(demo_settings, answer, point)

    restarted = _restart(demo_settings, embedder)
    after = list(restarted.assistant.handle(SESSION, users["alice"], "what can you do?"))
    assert len(_refunds(rows)) == (1 if answer == "approve" else 0)
    [approval] = restarted.ledger.find()
    expected = ApprovalStatus.APPROVED if answer == "approve" else ApprovalStatus.REJECTED
    assert (approval.status, approval.decided_by) == (expected, "dave")
    told = [e for e in after if e.type == "message" and approval.id in e.text]
    assert len(told) == 1 and f"{expected.value} by dave" in told[0].text
    assert restarted.assistant.pending(SESSION) is None
    report = open_trail(demo_settings).verify()
    assert report.ok, report.reason


def test_a_restart_before_anyone_decides_leaves_the_request_waiting(
    runtime, users, demo_settings, embedder, rows
):
    list(runtime.assistant.handle(SESSION, users["alice"], REQUEST))
    restarted = _restart(demo_settings, embedder)
    assert _refunds(rows) == []
    assert [a.status for a in restarted.ledger.find()] == [ApprovalStatus.PENDING]
    assert restarted.assistant.pending(SESSION) is not None
