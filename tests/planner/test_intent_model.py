"""The trained intent model: cached by what it was trained on, retrained when that changes
(a skill file, an accepted example), and blended so the planner's threshold keeps its meaning.
(The learning loop through the real store and planner is in tests/learning/test_loop.py.)"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pytest

from aios.learning.bench import Request
from aios.planner.bench import run_intent_bench
from aios.planner.intents import TRAINED_WEIGHT, IntentClassifier
from aios.planner.skills import Skill, load_skills
from aios.planner.trained import train
from connectors.registry import default_registry

CLEAR = {
    "refund $45 on INV-2038, the goods arrived damaged": "refund",
    "cancel order SO-1090": "cancel_order",
    "what's the status of SO-1063?": "order_status",
}


@pytest.fixture(scope="module")
def skills() -> list[Skill]:
    return load_skills(Path("skills"), default_registry())


@dataclass
class Example:
    skill: str
    text: str
    kind: str = "corrected"


@dataclass
class Accepted:
    """What people accepted, as the learning store reports it (the planner's view of it)."""

    examples: list[Example] = field(default_factory=list)

    def version(self) -> object:
        return len(self.examples)

    def accepted(self) -> list[Example]:
        return list(self.examples)


def _cached(cache: Path) -> list[Path]:
    return sorted(cache.glob("intents-*.npz"))


def test_clear_requests_score_above_the_planners_threshold_on_their_skill(embedder, skills):
    classifier = IntentClassifier(embedder, skills)
    for text, skill in CLEAR.items():
        top = classifier.rank(text)[0]
        assert (top.skill, top.score >= 0.45) == (skill, True), text


def test_the_model_is_trained_once_and_then_loaded_from_the_cache(embedder, skills, tmp_path):
    IntentClassifier(embedder, skills, cache=tmp_path)
    [stored] = _cached(tmp_path)
    # Make the stored model certain of one skill: a classifier that loads it must show it.
    with np.load(stored) as model:
        weights, bias = np.zeros_like(model["weights"]), np.zeros_like(model["bias"])
    names = sorted(s.name for s in skills)
    bias[names.index("capabilities")] = 50.0
    np.savez(stored, weights=weights, bias=bias)

    loaded = IntentClassifier(embedder, skills, cache=tmp_path, trained_weight=1.0)
    assert loaded.rank("cancel order SO-1090")[0].skill == "capabilities"
    assert _cached(tmp_path) == [stored]


def test_a_changed_skill_file_retrains_the_model_in_place_of_the_old(embedder, skills, tmp_path):
    IntentClassifier(embedder, skills, cache=tmp_path)
    [before] = _cached(tmp_path)
    changed = [
        s.model_copy(update={"examples": [*s.examples, "give them their money back"]})
        if s.name == "refund"
        else s
        for s in skills
    ]
    IntentClassifier(embedder, changed, cache=tmp_path)
    [after] = _cached(tmp_path)
    assert after != before


def test_an_accepted_example_retrains_the_model_without_a_restart(embedder, skills, tmp_path):
    people = Accepted()
    classifier = IntentClassifier(embedder, skills, people, cache=tmp_path, trained_weight=1.0)
    text = "the customer wants the parcel to go to their depot"
    before = {s.skill: s.score for s in classifier.rank(text)}
    [first] = _cached(tmp_path)

    people.examples.append(Example("change_shipping_address", text))
    after = {s.skill: s.score for s in classifier.rank(text)}
    assert after["change_shipping_address"] > before["change_shipping_address"]
    assert _cached(tmp_path) != [first]

    # A rejected utterance is no training example: it only counts against its skill.
    people.examples.append(Example("change_shipping_address", text, kind="rejected"))
    retrained = _cached(tmp_path)
    classifier.rank(text)
    assert _cached(tmp_path) == retrained


def test_two_skills_train_a_two_way_model(embedder, skills):
    vectors = embedder.encode(["cancel order SO-1090", "refund $45 on INV-2038"])
    model = train(vectors, np.array([0, 1]), 2)
    probabilities = model.probabilities(vectors)
    assert probabilities.argmax(axis=1).tolist() == [0, 1]
    assert np.allclose(probabilities.sum(axis=1), 1.0)


def test_the_bench_measures_every_method_on_the_same_requests(demo_settings, embedder, skills):
    held_out = [Request(text=text, skill=skill) for text, skill in CLEAR.items()]
    report = run_intent_bench(demo_settings, embedder, skills, held_out, folds=2)
    assert report.examples == sum(len(s.examples) for s in skills)
    assert [m.trained_weight for m in report.methods] == [0.0, TRAINED_WEIGHT, 100.0]
    for method in report.methods:
        assert (method.held_out, method.held_out_matched) == (1.0, 1.0), method.method
        assert 0.5 < method.cross_validated <= 1.0, method.method
