"""The extractive answerer: quotes the best passages with citations, or says it found nothing.

No language model: the answer is the documents' own words. Whether anything relevant was found
is decided on the dense cosine similarity of the question to the best passage, because fused
rank scores say how passages compare with each other, not whether any of them is on topic.
"""

from __future__ import annotations

from dataclasses import dataclass

from aios.knowledge.models import Answer, Hit
from aios.knowledge.retriever import Retriever

NOTHING_FOUND = "Nothing relevant was found in the knowledge base for this question."


@dataclass(frozen=True)
class AnswerConfig:
    min_similarity: float = 0.40
    """Below this cosine similarity between question and best passage: nothing found."""
    max_passages: int = 3
    relative_score: float = 0.85
    """Further passages are quoted only if their fused score is this close to the best one."""
    search_k: int = 5


class Answerer:
    def __init__(self, retriever: Retriever, config: AnswerConfig | None = None) -> None:
        self.retriever = retriever
        self.config = config or AnswerConfig()

    def answer(self, question: str, *, source_prefix: str | None = None) -> Answer:
        """Answer from the knowledge base; raises ``QuestionError`` for an unusable question."""
        hits = self.retriever.search(question, self.config.search_k, source_prefix=source_prefix)
        similarities = [h.dense_similarity for h in hits if h.dense_similarity is not None]
        best = max(similarities, default=None)
        if best is None or best < self.config.min_similarity:
            return Answer(
                question=question.strip(), found=False, message=NOTHING_FOUND, best_similarity=best
            )
        passages = self._passages(hits)
        top = passages[0].citation
        where = f"{top.title} > {top.heading}" if top.heading else top.title
        message = f"From {where} ({top.source})"
        if len(passages) > 1:
            message += f" and {len(passages) - 1} more passage(s)"
        return Answer(
            question=question.strip(),
            found=True,
            message=message,
            passages=passages,
            best_similarity=best,
        )

    def _passages(self, hits: list[Hit]) -> list[Hit]:
        relevant = [h for h in hits if (h.dense_similarity or 0.0) >= self.config.min_similarity]
        current = [h for h in relevant if not h.superseded]
        # Quote a superseded document only when no current one is relevant.
        pool = current or relevant
        chosen = [pool[0]]
        for hit in pool[1:]:
            if len(chosen) >= self.config.max_passages:
                break
            if hit.score >= self.config.relative_score * chosen[0].score:
                chosen.append(hit)
        return chosen
