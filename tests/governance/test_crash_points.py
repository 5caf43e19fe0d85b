"""Kill the process at every point between an approval and the system's acknowledgement
(the drill is ``aios.safety.crash``): an approved refund exists exactly once, a rejected one
never; the requester is told, nothing stays paused, the audit chain stays intact."""

from __future__ import annotations

import pytest

from aios.assistant.factory import build_runtime
from aios.safety.crash import CASES, REQUEST, SESSION, crash_case

pytestmark = pytest.mark.slow


@pytest.mark.parametrize(("answer", "point"), CASES)
def test_a_crash_anywhere_leaves_the_decided_outcome_exactly_once(
    demo_settings, embedder, answer, point
):
    outcome = crash_case(demo_settings, embedder, answer, point)
    assert outcome.killed, f"the crash point {point} was never reached"
    assert outcome.refunds == (1 if answer == "approve" else 0)
    assert outcome.ledger_status == ("approved" if answer == "approve" else "rejected")
    assert outcome.requester_told and not outcome.still_paused and outcome.chain_intact
    assert outcome.held


def test_a_restart_before_anyone_decides_leaves_the_request_waiting(demo_settings, embedder, users):
    first = build_runtime(demo_settings, embedder=embedder)
    list(first.assistant.handle(SESSION, users["alice"], REQUEST))
    restarted = build_runtime(demo_settings, embedder=embedder)
    restarted.assistant.sweep()
    assert [a.status.value for a in restarted.ledger.find()] == ["pending"]
    assert restarted.assistant.pending(SESSION) is not None
