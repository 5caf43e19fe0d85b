"""The answer benchmark: does the first thing a person reads state the labelled fact?

Each labelled question names the document that answers it and the fact the answer must state
(a number, a role, a yes or no with its condition). Scored per split: the share whose answer
sentence (or table row) states the fact, the share whose reply states it anywhere, the share
whose answer cites the labelled document, and, on questions the documents do not answer, the
share given no answer (an invented one is the failure). ``passage_first`` scores the reply as
it read before answers came first: the first sentence of the best passage, quoted whole.
"""

from __future__ import annotations

import re
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import yaml
from pydantic import BaseModel, Field

from aios.knowledge.answer import AnswerConfig, Answerer
from aios.knowledge.bench import Latency
from aios.knowledge.embedder import Embedder
from aios.knowledge.index import KnowledgeIndex
from aios.knowledge.models import Answer
from aios.knowledge.reply import answer_markdown
from aios.knowledge.retriever import Retriever
from aios.knowledge.units import split_units

_MARKUP = re.compile(r"\*\*|`|\|")
_DASHES = re.compile(r"[\u2013—]")
_SPACES = re.compile(r"\s+")


class LabelledAnswer(BaseModel):
    id: str
    question: str
    source: str = Field(description="Path, relative to the knowledge directory, that answers it.")
    fact: str | list[str] = Field(
        description='What the answer must state: "a|b" takes either; a list needs every item.'
    )
    split: str = "test"

    def stated_in(self, text: str) -> bool:
        said = normalized(text)
        wanted = [self.fact] if isinstance(self.fact, str) else self.fact
        return all(any(normalized(o) in said for o in item.split("|")) for item in wanted)


class AnswerSet(BaseModel):
    questions: list[LabelledAnswer]
    unanswerable: list[str] = Field(default_factory=list)

    @classmethod
    def load(cls, path: Path) -> AnswerSet:
        return cls.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))

    def split(self, name: str) -> list[LabelledAnswer]:
        return [q for q in self.questions if name in ("all", q.split)]


class SplitScores(BaseModel):
    questions: int
    fact_first: float = Field(description="Share whose answer sentence states the fact.")
    fact_anywhere: float = Field(description="Share whose whole reply states the fact.")
    citation_correct: float = Field(description="Share whose answer cites the labelled document.")
    passage_first: float = Field(
        description="Share whose best passage's first sentence states the fact (the reply "
        "before answers came first)."
    )
    no_direct_answer: float = Field(description="Share answered with the closest passages only.")


class Miss(BaseModel):
    id: str
    question: str
    fact: str | list[str]
    answered: str


class AnswerBench(BaseModel):
    splits: dict[str, SplitScores]
    unanswerable: int
    unanswerable_declined: float = Field(
        description="Share of unanswerable questions given no answer sentence."
    )
    latency: Latency = Field(description="A whole answer, retrieval included.")
    misses: dict[str, list[Miss]]


def normalized(text: str) -> str:
    return _SPACES.sub(" ", _DASHES.sub("-", _MARKUP.sub(" ", text))).lower().strip()


def run_answer_bench(
    embedder: Embedder,
    knowledge_dir: Path,
    answers: AnswerSet,
    *,
    splits: tuple[str, ...] = ("dev", "test"),
    answering: AnswerConfig | None = None,
) -> AnswerBench:
    """Ingest ``knowledge_dir`` into a fresh temporary index and score each split."""
    with tempfile.TemporaryDirectory(prefix="aios-bench-answers-") as tmp:
        index = KnowledgeIndex(Path(tmp), embedder)
        try:
            index.ingest([], knowledge_dir)
            answerer = Answerer(Retriever(index, embedder), answering)
            timings: list[float] = []

            def ask(question: str) -> Answer:
                began = time.perf_counter()
                answer = answerer.answer(question)
                timings.append(time.perf_counter() - began)
                return answer

            scored = {name: _split(answers.split(name), ask, answerer) for name in splits}
            declined = [ask(q).direct is None for q in answers.unanswerable]
        finally:
            index.close()
    return AnswerBench(
        splits={name: scores for name, (scores, _) in scored.items()},
        unanswerable=len(declined),
        unanswerable_declined=_share(sum(declined), len(declined)),
        latency=Latency.of(timings),
        misses={name: misses for name, (_, misses) in scored.items()},
    )


def _split(
    labelled: list[LabelledAnswer], ask: Callable[[str], Answer], answerer: Answerer
) -> tuple[SplitScores, list[Miss]]:
    first = anywhere = cited = passage = undirected = 0
    misses: list[Miss] = []
    for label in labelled:
        answer: Answer = ask(label.question)
        said = answer.direct.text if answer.direct else ""
        first += label.stated_in(said)
        anywhere += label.stated_in(answer_markdown(answer))
        cited += answer.direct is not None and answer.direct.citation.source == label.source
        best = answerer.passages(label.question)[:1]
        units = split_units(best[0].text) if best else []
        passage += bool(units) and label.stated_in(units[0].text)
        undirected += answer.found and answer.direct is None
        if not label.stated_in(said):
            misses.append(
                Miss(id=label.id, question=label.question, fact=label.fact, answered=said)
            )
    n = len(labelled)
    scores = SplitScores(
        questions=n,
        fact_first=_share(first, n),
        fact_anywhere=_share(anywhere, n),
        citation_correct=_share(cited, n),
        passage_first=_share(passage, n),
        no_direct_answer=_share(undirected, n),
    )
    return scores, misses


def _share(count: int, total: int) -> float:
    return round(count / total, 4) if total else 0.0
