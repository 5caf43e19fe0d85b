"""The acceptance test: every shipped scenario passes, and paraphrases hold up (pass^3).

The held-out sets (``holdout/``, and ``blind/``, ``fresh/`` and ``unseen/``, written later by
someone who had not seen the planner) are a measure, not a gate: they are run by ``aios eval
run`` and their figures are in docs/benchmarks.md; here they only have to load and be big enough
to measure."""

from __future__ import annotations

from pathlib import Path

import pytest

from aios.eval.metrics import summarize
from aios.eval.scenarios import load_scenarios

SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios"


@pytest.fixture(scope="module")
def results(runner):
    halves = [SCENARIOS / "dev", SCENARIOS / "test"]
    return list(runner.run_all(load_scenarios(halves), variants=True))


@pytest.mark.parametrize("half", ["dev", "test"])
def test_each_half_has_30_scenarios_a_third_with_paraphrases(half):
    scenarios = load_scenarios([SCENARIOS / half])
    assert len(scenarios) >= 30
    assert sum(len(s.variants) >= 3 for s in scenarios) >= len(scenarios) // 3


def test_every_shipped_scenario_passes(results):
    failures = {r.scenario: r.problems for r in results if r.variant == 0 and not r.passed}
    assert not failures


def test_paraphrases_pass_hat_3_at_least_0_9(results):
    summary = summarize(results, k=3)
    assert summary.pass_hat_k is not None and summary.pass_hat_k >= 0.9, summary


@pytest.mark.parametrize("held_out", ["holdout", "blind", "fresh", "unseen"])
def test_each_held_out_set_has_150_runs_or_more(held_out):
    scenarios = load_scenarios([SCENARIOS / held_out])
    assert sum(len(s.texts()) for s in scenarios) >= 150
