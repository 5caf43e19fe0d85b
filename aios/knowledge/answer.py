"""The extractive answerer: the sentence that answers, quoted with its citation, first.

No language model: the answer is the documents' own words. Whether anything relevant was found
is decided on the dense cosine similarity of the question to the best passage, because fused
rank scores say how passages compare with each other, not whether any of them is on topic.
Which words answer is decided inside the best passages (``ranking``): their sentences, list
items and table rows compete on meaning, shared words and the kind of fact the question asks
for. A table row is quoted with its header. When the rule has another version, the answer says
what changed (``versions``). When no unit answers well enough, the answer says so and shows
the closest passages instead of passing one off as the answer.
"""

from __future__ import annotations

from dataclasses import dataclass

from aios.knowledge.cues import Wants, states, wanted
from aios.knowledge.models import Answer, Citation, Hit, Quote
from aios.knowledge.ranking import Passage, Scored, UnitRanker
from aios.knowledge.recency import named_years
from aios.knowledge.retriever import Retriever
from aios.knowledge.versions import Versions

NOTHING_FOUND = "Nothing relevant was found in the knowledge base for this question."
NO_DIRECT_ANSWER = "The documents do not answer this directly; these are the closest passages."


@dataclass(frozen=True)
class AnswerConfig:
    min_similarity: float = 0.40
    """Below this cosine similarity between question and best passage: nothing found."""
    search_k: int = 5
    compared: int = 3
    """Passages whose units compete for the answer."""
    min_answer: float = 0.45
    """Below this unit score, no sentence is passed off as the answer (tuned on the dev half
    of the labelled answers)."""
    max_supporting: int = 2
    supporting_ratio: float = 0.85
    """Further quotes only if their score is this close to the answer's."""


class Answerer:
    def __init__(
        self,
        retriever: Retriever,
        config: AnswerConfig | None = None,
        ranker: UnitRanker | None = None,
    ) -> None:
        self.retriever = retriever
        self.config = config or AnswerConfig()
        self.ranker = ranker or UnitRanker(retriever.embedder)
        self.versions = Versions(retriever, self.ranker)

    def answer(self, question: str, *, source_prefix: str | None = None) -> Answer:
        """Answer from the knowledge base; raises ``QuestionError`` for an unusable question."""
        question = question.strip()
        pool = self.passages(question, source_prefix=source_prefix)
        best = max((h.dense_similarity or 0.0 for h in pool), default=None)
        if best is None:
            return Answer(question=question, found=False, message=NOTHING_FOUND)
        pool = pool[: self.config.compared]
        top = pool[0].score or 1.0
        passages = [
            Passage(h.text, h.citation.heading, h.citation.heading_path, h.score / top)
            for h in pool
        ]
        ranked = _distinct(self.ranker.rank(question, passages))
        if not ranked or ranked[0].score < self.config.min_answer:
            closest = [_first_of(i, ranked) for i in range(min(2, len(pool)))]
            quotes = [q for q in closest if q is not None]
            return Answer(
                question=question,
                found=True,
                message=NO_DIRECT_ANSWER,
                supporting=[_quote(pool[i], s) for i, s in quotes],
                passages=_used(pool, [i for i, _ in quotes]),
                best_similarity=best,
            )
        lead = ranked[0]
        hit = pool[lead.passage]
        supporting = self._supporting(question, ranked)
        cite = hit.citation
        where = f"{cite.title} > {cite.heading}" if cite.heading else cite.title
        return Answer(
            question=question,
            found=True,
            message=f"From {where} ({cite.source})",
            direct=_quote(hit, lead),
            supporting=[_quote(pool[s.passage], s) for s in supporting],
            change=self.versions.note(question, lead.unit, cite.source, cite.heading_path),
            passages=_used(pool, [lead.passage, *(s.passage for s in supporting)]),
            best_similarity=best,
        )

    def _supporting(self, question: str, ranked: list[Scored]) -> list[Scored]:
        """The quotes after the answer: those ranked nearly as high, and, when none of them
        nor the answer states the kind of figure asked for (a date, an amount), the best unit
        that does, first: a sentence that answers in words must not lose the figure its
        passage states ("23 December", "$84.00")."""
        lead, rest = ranked[0], [s for s in ranked[1:] if not s.aside]
        close = [s for s in rest if s.score >= self.config.supporting_ratio * lead.score]
        wants = wanted(question)
        if wants is not Wants.ANY and not any(states(wants, s.unit.plain) for s in [lead, *close]):
            figure = next((s for s in rest if states(wants, s.unit.plain)), None)
            close = [figure, *close] if figure else close
        return close[: self.config.max_supporting]

    def passages(self, question: str, *, source_prefix: str | None = None) -> list[Hit]:
        """The passages relevant to ``question``, best first; none if nothing is on topic."""
        hits = self.retriever.search(question, self.config.search_k, source_prefix=source_prefix)
        relevant = [h for h in hits if (h.dense_similarity or 0.0) >= self.config.min_similarity]
        if named_years(question):
            return relevant  # the retriever already ranked the versions for those years
        current = [h for h in relevant if not h.superseded]
        # Quote a superseded document only when no current one is relevant.
        return current or relevant


def _distinct(ranked: list[Scored]) -> list[Scored]:
    """``ranked`` without repeats: chunks overlap, so one sentence can stand in two."""
    seen: set[str] = set()
    kept = []
    for scored in ranked:
        if scored.unit.text not in seen:
            seen.add(scored.unit.text)
            kept.append(scored)
    return kept


def _first_of(index: int, ranked: list[Scored]) -> tuple[int, Scored] | None:
    """The best unit of the ``index``-th passage."""
    return next(((index, s) for s in ranked if s.passage == index), None)


def _quote(hit: Hit, scored: Scored) -> Quote:
    citation = Citation(**{**hit.citation.model_dump(), "snippet": scored.unit.text})
    return Quote(
        text=scored.unit.text, table=scored.unit.table, chunk_id=hit.chunk_id, citation=citation
    )


def _used(pool: list[Hit], indexes: list[int]) -> list[Hit]:
    return [pool[i] for i in dict.fromkeys(indexes)]
