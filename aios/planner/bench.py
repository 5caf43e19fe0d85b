"""``aios bench intents``: the skill chosen for labelled requests by the nearest examples alone,
by the trained model alone and by the two together (the default), all measured in one run.

Two sets: the skills' own examples, each scored by a classifier that never saw it (k-fold
cross-validation: example ``i`` of every skill is in fold ``i % folds``), and the learning
set's held-out requests, through the planner as it serves (names and ids masked) on throw-away
demo data.
"""

from __future__ import annotations

import time
from collections.abc import Sequence

import numpy as np
from pydantic import BaseModel, Field

from aios.assistant.factory import build_runtime
from aios.demo import scratch_demo
from aios.knowledge.embedder import Embedder
from aios.learning.bench import Request
from aios.planner.embedded import EmbeddedPlanner
from aios.planner.intents import TRAINED_WEIGHT, IntentClassifier
from aios.planner.skills import Skill
from aios.planner.trained import train
from aios.settings import Settings
from aios.toolbox import BoundReader, Caller

WEIGHTS = {
    "nearest examples": 0.0,
    "nearest examples + trained model (default)": TRAINED_WEIGHT,
    # So large that the similarities only break ties: the model's own choice.
    "trained model": 100.0,
}


class MethodScore(BaseModel):
    method: str
    trained_weight: float
    cross_validated: float = Field(description="Accuracy on the skills' examples, k-fold.")
    held_out: float = Field(description="Accuracy on the learning set's held-out requests.")
    held_out_matched: float = Field(
        description="Share of held-out requests scored at or above the planner's threshold."
    )


class IntentBench(BaseModel):
    model: str
    examples: int
    folds: int
    held_out: int
    train_ms: float = Field(description="Training on every example, median of 5 (no cache).")
    methods: list[MethodScore]


def run_intent_bench(
    settings: Settings,
    embedder: Embedder,
    skills: Sequence[Skill],
    held_out: Sequence[Request],
    *,
    folds: int = 10,
) -> IntentBench:
    cross = _cross_validated(embedder, skills, folds)
    with scratch_demo(settings) as scratch:
        runtime = build_runtime(scratch, embedder=embedder)
        planner = runtime.planner
        if not isinstance(planner, EmbeddedPlanner):
            raise ValueError("the intent bench measures the embedded planner")
        reader = BoundReader(runtime.toolbox, Caller(actor="bench", session_id="b", step="b"))
        got: dict[str, list[str | None]] = {}
        for method, weight in WEIGHTS.items():
            planner.classifier.trained_weight = weight
            got[method] = [planner.skill_of(r.text, reader) for r in held_out]
    methods = [
        MethodScore(
            method=method,
            trained_weight=weight,
            cross_validated=cross[method],
            held_out=_share([g == r.skill for g, r in zip(got[method], held_out, strict=True)]),
            held_out_matched=_share([g is not None for g in got[method]]),
        )
        for method, weight in WEIGHTS.items()
    ]
    return IntentBench(
        model=embedder.name,
        examples=sum(len(s.examples) for s in skills),
        folds=folds,
        held_out=len(held_out),
        train_ms=_train_ms(embedder, skills),
        methods=methods,
    )


def _cross_validated(embedder: Embedder, skills: Sequence[Skill], folds: int) -> dict[str, float]:
    right: dict[str, list[bool]] = {method: [] for method in WEIGHTS}
    for fold in range(folds):
        training = [
            s.model_copy(
                update={"examples": [e for i, e in enumerate(s.examples) if i % folds != fold]}
            )
            for s in skills
        ]
        tests = [(s.name, e) for s in skills for i, e in enumerate(s.examples) if i % folds == fold]
        classifier = IntentClassifier(embedder, training)
        for method, weight in WEIGHTS.items():
            classifier.trained_weight = weight
            ranked = classifier.rank_many([text for _, text in tests])
            right[method] += [
                r[0].skill == name for r, (name, _) in zip(ranked, tests, strict=True)
            ]
    return {method: _share(hits) for method, hits in right.items()}


def _train_ms(embedder: Embedder, skills: Sequence[Skill]) -> float:
    names = sorted(s.name for s in skills)
    pairs = [(names.index(s.name), e) for s in skills for e in s.examples]
    vectors = embedder.encode([text for _, text in pairs])
    targets = np.array([label for label, _ in pairs])
    times = []
    for _ in range(5):
        start = time.perf_counter()
        train(vectors, targets, len(names))
        times.append(time.perf_counter() - start)
    return round(1000 * float(np.median(times)), 1)


def _share(hits: Sequence[bool]) -> float:
    return round(sum(hits) / len(hits), 3) if hits else 0.0
