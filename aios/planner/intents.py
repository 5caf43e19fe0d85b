"""Which skill a request means: nearest example utterances and a trained model, blended."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

import numpy as np
from pydantic import BaseModel

from aios.knowledge.embedder import Embedder
from aios.planner.entities import mask_ids
from aios.planner.skills import Skill
from aios.planner.trained import digest, load_or_train

TRAINED_WEIGHT = 0.2
"""The trained model's say: a skill's score moves by this times (its probability minus
``NEUTRAL_PROBABILITY``), so by -0.04 to +0.16 from what its nearest examples make it."""
NEUTRAL_PROBABILITY = 0.2
"""The probability that leaves a score as the examples made it: above it a skill gains, below
it loses (at most ``TRAINED_WEIGHT * NEUTRAL_PROBABILITY``). Set so the share of requests at or
above the planner's threshold, and the runner-ups' scores its margins compare, stay about as
they were (docs/benchmarks.md, "Intent model")."""


class IntentScore(BaseModel):
    skill: str
    score: float


class Learnt(Protocol):
    @property
    def skill(self) -> str: ...
    @property
    def kind(self) -> str:
        """ "rejected" for an utterance that does not mean ``skill``; anything else: it does."""
        ...

    @property
    def text(self) -> str: ...


class LearntExamples(Protocol):
    """Examples people accepted from conversations (``aios.learning``)."""

    def version(self) -> object:
        """Anything that changes whenever the accepted examples do; asked before every match."""
        ...

    def accepted(self) -> Sequence[Learnt]: ...


class IntentClassifier:
    """Scores a text against every skill by its closest examples (cosine similarity), moved up
    or down by a model trained on them (see ``TRAINED_WEIGHT``; 0: the examples alone).

    The similarity part is the mean of a skill's two best example similarities: one lucky
    example should not win on its own, and a skill with many examples gains no unfair
    advantage. A request closer to an utterance people rejected for a skill than to any of its
    examples loses the difference. The model is trained on what people accepted too; rejected
    utterances are left out of its training (they say what a text is not, not what it is).
    ``cache``: where the trained model is kept between processes (None: trained every time).
    """

    def __init__(
        self,
        embedder: Embedder,
        skills: Sequence[Skill],
        learnt: LearntExamples | None = None,
        *,
        cache: Path | None = None,
        trained_weight: float = TRAINED_WEIGHT,
    ) -> None:
        self.embedder = embedder
        self.learnt = learnt
        self.cache = cache
        self.trained_weight = trained_weight
        self._by_name = {skill.name: skill for skill in skills}
        self.skills = sorted(self._by_name)
        self._own = [(skill.name, mask_ids(e)) for skill in skills for e in skill.examples]
        self._vectors: dict[str, np.ndarray] = {}
        self._version: object = None
        self._lock = threading.Lock()
        self._load([])

    def rank(self, text: str) -> list[IntentScore]:
        return self.rank_many([text])[0]

    def rank_many(self, texts: Sequence[str]) -> list[list[IntentScore]]:
        self._refresh()
        matrix, labels, negatives, negative_labels, model = self._index
        queries = self.embedder.encode([mask_ids(text) for text in texts])
        sims = queries @ matrix.T
        # What the trained model adds to (or takes from) each skill's similarity score.
        shifts = self.trained_weight * (model.probabilities(queries) - NEUTRAL_PROBABILITY)
        against = queries @ negatives.T if len(negative_labels) else None
        ranked: list[list[IntentScore]] = []
        for row, (text, sim, shift) in enumerate(zip(texts, sims, shifts, strict=True)):
            scores = []
            for index, skill in enumerate(self.skills):
                own = sim[labels == index]
                best = np.sort(own)[-2:]
                score = float(best.mean()) + float(shift[index])
                if against is not None and (mine := against[row][negative_labels == index]).size:
                    score -= max(0.0, float(mine.max()) - float(best[-1]))
                # A skill whose required words are all missing cannot be meant.
                if not self._by_name[skill].accepts(text):
                    score = 0.0
                scores.append(IntentScore(skill=skill, score=score))
            ranked.append(sorted(scores, key=lambda s: s.score, reverse=True))
        return ranked

    def _refresh(self) -> None:
        """Pick up examples accepted since the last match: no restart, in every worker."""
        if self.learnt is None:
            return
        version = self.learnt.version()
        if version == self._version:
            return
        with self._lock:
            if version != self._version:
                self._load([e for e in self.learnt.accepted() if e.skill in self._by_name])
                self._version = version

    def _load(self, learnt: Sequence[Learnt]) -> None:
        positives = self._own + [
            (e.skill, mask_ids(e.text)) for e in learnt if e.kind != "rejected"
        ]
        negatives = [(e.skill, mask_ids(e.text)) for e in learnt if e.kind == "rejected"]
        new = [t for _, t in positives + negatives if t not in self._vectors]
        if new:
            self._vectors.update(zip(new, self.embedder.encode(new), strict=True))
        dim = self.embedder.dimension

        def stack(pairs: list[tuple[str, str]]) -> tuple[np.ndarray, np.ndarray]:
            if not pairs:
                return np.zeros((0, dim), dtype=np.float32), np.zeros(0, dtype=int)
            vectors = np.stack([self._vectors[t] for _, t in pairs])
            return vectors, np.array([self.skills.index(skill) for skill, _ in pairs])

        matrix, labels = stack(positives)
        key = digest(self.embedder.name, self.skills, positives)
        model = load_or_train(matrix, labels, len(self.skills), key=key, cache=self.cache)
        # Swapped in whole: a match running in another thread sees the old index or the new.
        self._index = (matrix, labels, *stack(negatives), model)
