"""Figures over runs: pass counts and pass^k over paraphrase variants."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from math import comb
from typing import TYPE_CHECKING

from pydantic import BaseModel, Field

if TYPE_CHECKING:  # the runner brings the whole assistant; scoring needs none of it
    from aios.eval.runner import RunResult


def pass_hat_k(passed: int, total: int, k: int) -> float:
    """The chance that k variants drawn without replacement from ``total`` all pass:
    C(passed, k) / C(total, k)."""
    if not 0 <= passed <= total:
        raise ValueError(f"passed ({passed}) must be between 0 and total ({total})")
    if not 1 <= k <= total:
        raise ValueError(f"k ({k}) must be between 1 and the number of variants ({total})")
    return comb(passed, k) / comb(total, k)


class Summary(BaseModel):
    passed: int
    failed: int
    k: int | None = None
    pass_hat_k: float | None = Field(
        None, description="pass^k averaged over scenarios with at least k variants."
    )
    scenarios_with_variants: int = 0


def summarize(results: Iterable[RunResult], k: int | None = None) -> Summary:
    runs = list(results)
    passed = sum(r.passed for r in runs)
    summary = Summary(passed=passed, failed=len(runs) - passed, k=k)
    if k is None:
        return summary
    by_scenario: dict[str, list[RunResult]] = defaultdict(list)
    for run in runs:
        by_scenario[run.scenario].append(run)
    figures = [
        pass_hat_k(sum(r.passed for r in group), len(group), k)
        for group in by_scenario.values()
        if len(group) > 1 and len(group) >= k
    ]
    if figures:
        summary.pass_hat_k = round(sum(figures) / len(figures), 4)
        summary.scenarios_with_variants = len(figures)
    return summary
