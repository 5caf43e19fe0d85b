"""Which skill a request means: nearest example utterances in embedding space."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from pydantic import BaseModel

from aios.knowledge.embedder import Embedder
from aios.planner.entities import mask_ids
from aios.planner.skills import Skill


class IntentScore(BaseModel):
    skill: str
    score: float


class IntentClassifier:
    """Scores a text against every skill by its closest examples (cosine similarity).

    A skill's score is the mean of its two best example similarities: one lucky example
    should not win on its own, and a skill with many examples gains no unfair advantage.
    """

    def __init__(self, embedder: Embedder, skills: Sequence[Skill]) -> None:
        self.embedder = embedder
        self.labels: list[str] = []
        texts: list[str] = []
        for skill in skills:
            self.labels += [skill.name] * len(skill.examples)
            texts += [mask_ids(example) for example in skill.examples]
        self.matrix = embedder.encode(texts)
        self.skills = sorted({*self.labels})
        self._by_name = {skill.name: skill for skill in skills}
        self._label_index = np.array([self.skills.index(label) for label in self.labels])

    def rank(self, text: str) -> list[IntentScore]:
        return self.rank_many([text])[0]

    def rank_many(self, texts: Sequence[str]) -> list[list[IntentScore]]:
        sims = self.embedder.encode([mask_ids(text) for text in texts]) @ self.matrix.T
        ranked: list[list[IntentScore]] = []
        for text, row in zip(texts, sims, strict=True):
            scores = []
            for index, skill in enumerate(self.skills):
                best = np.sort(row[self._label_index == index])[-2:]
                # A skill whose required words are all missing cannot be meant.
                score = float(best.mean()) if self._by_name[skill].accepts(text) else 0.0
                scores.append(IntentScore(skill=skill, score=score))
            ranked.append(sorted(scores, key=lambda s: s.score, reverse=True))
        return ranked
