"""The decision drills of ``aios bench safety`` (issue 24, points 1 and 7): each counts harm,
and each count is 0, with enough tried that a 0 means something."""

from __future__ import annotations

from aios.demo import scratch_demo
from aios.safety.decisions import concurrent_drill, stale_drill


def test_decisions_on_replaced_cards_write_nothing(demo_settings, embedder):
    with scratch_demo(demo_settings) as demo:
        figures = stale_drill(demo, embedder, attempts=3)
    assert (figures.attempts, figures.refused, figures.stale_writes) == (3, 3, 0)
    assert figures.current_written == 3  # the card that replaced it still decides


def test_two_workers_deciding_at_once_write_and_audit_once(demo_settings, embedder):
    with scratch_demo(demo_settings) as demo:
        figures = concurrent_drill(demo, embedder, rounds=2)
    assert figures.rounds == 2
    assert (figures.extra_writes, figures.extra_audit_pairs, figures.second_successes) == (0, 0, 0)
