"""Hybrid retrieval: dense (Chroma) and lexical (BM25) candidates fused by a weighted sum of
their scores, each side scaled by its best candidate's score.

Superseded documents stay retrievable but are down-ranked. A source-prefix filter is applied
after retrieval over a candidate set enlarged by how rare the prefix is, because a Chroma
``where`` filter costs tens of milliseconds on a large collection where an unfiltered query
costs two; only when that leaves too few dense candidates do we fall back to ``where``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
import numpy.typing as npt

from aios.knowledge._snippet import best_snippet
from aios.knowledge.embedder import Embedder
from aios.knowledge.expansion import QueryExpander
from aios.knowledge.index import KnowledgeIndex
from aios.knowledge.lexical import LexicalIndex
from aios.knowledge.models import Citation, Hit
from aios.knowledge.recency import is_outdated, named_years

MAX_QUESTION_CHARS = 2000


class QuestionError(ValueError):
    """The question cannot be searched for (empty, or too long); the message says why."""


class Mode(StrEnum):
    HYBRID = "hybrid"
    DENSE = "dense"
    LEXICAL = "lexical"


@dataclass(frozen=True)
class RetrievalConfig:
    candidates: int = 50
    """Candidates taken from each side before fusion."""
    dense_weight: float = 0.6
    """Fused score = dense_weight * similarity / best similarity + (1 - dense_weight) * BM25 /
    best BM25. Fusing scores rather than ranks keeps how far apart candidates are: a passage
    that one side finds far better than the rest is not levelled with the runner-up, as
    reciprocal rank fusion levels them (tuned on the dev split of the labelled questions)."""
    superseded_factor: float = 0.8
    """Fused scores of superseded documents are multiplied by this: enough for the current
    version to win when both match, mild enough that a question about the old rules can
    still find the old document."""
    max_filter_candidates: int = 2000
    """Cap on the enlarged dense candidate set when filtering by source prefix."""


@dataclass
class _Candidate:
    row: int
    dense: float | None = None
    lexical: float | None = None
    score: float = 0.0


def check_question(question: str) -> str:
    """The question, stripped; raises :class:`QuestionError` if it is empty or too long."""
    text = question.strip()
    if not text:
        raise QuestionError("The question is empty: ask something.")
    if len(text) > MAX_QUESTION_CHARS:
        raise QuestionError(
            f"The question is {len(text):,} characters long; the limit is {MAX_QUESTION_CHARS:,}."
        )
    return text


class Retriever:
    def __init__(
        self,
        index: KnowledgeIndex,
        embedder: Embedder,
        config: RetrievalConfig | None = None,
        expander: QueryExpander | None = None,
    ) -> None:
        self.index = index
        self.embedder = embedder
        self.config = config or RetrievalConfig()
        self.expander = expander or QueryExpander()

    def search(
        self,
        question: str,
        k: int = 5,
        *,
        source_prefix: str | None = None,
        mode: Mode = Mode.HYBRID,
    ) -> list[Hit]:
        """The ``k`` best passages for ``question``, best first, each with its citation."""
        question = check_question(question)
        if k <= 0:
            return []
        lexical = self.index.lexical()
        if not len(lexical):
            return []
        mask = lexical.source_mask(source_prefix) if source_prefix else None
        if mask is not None and not mask.any():
            return []
        found: dict[int, _Candidate] = {}
        if mode is not Mode.LEXICAL:
            dense = self._dense(question, k, lexical, source_prefix, mask)
            for row, similarity in dense:
                found.setdefault(row, _Candidate(row)).dense = similarity
        if mode is not Mode.DENSE:
            expanded = self.expander.expand(question)
            matches = lexical.search(expanded, self.config.candidates, mask)
            for row, score in matches:
                found.setdefault(row, _Candidate(row)).lexical = score
        self._fuse(found.values(), mode)
        self._down_rank_outdated(question, found, lexical)
        best = sorted(found.values(), key=lambda c: c.score, reverse=True)[:k]
        return self._hits(question, best, lexical)

    def _down_rank_outdated(
        self, question: str, found: dict[int, _Candidate], lexical: LexicalIndex
    ) -> None:
        years = named_years(question)
        effective: dict[int, str | None] = {}
        if years:  # only then do effective dates matter, and are worth a catalog read
            chunks = self.index.catalog.get_chunks([lexical.ids[row] for row in found])
            effective = {
                row: chunk.effective
                for row in found
                if (chunk := chunks.get(lexical.ids[row])) is not None
            }
        for row, candidate in found.items():
            if is_outdated(bool(lexical.superseded[row]), effective.get(row), years):
                candidate.score *= self.config.superseded_factor

    def _fuse(self, candidates: Iterable[_Candidate], mode: Mode) -> None:
        candidates = list(candidates)
        dense_weight = {Mode.DENSE: 1.0, Mode.LEXICAL: 0.0}.get(mode, self.config.dense_weight)
        best_dense = max((c.dense for c in candidates if c.dense is not None), default=0.0)
        best_lexical = max((c.lexical for c in candidates if c.lexical is not None), default=0.0)
        for candidate in candidates:
            if candidate.dense is not None and best_dense > 0:
                candidate.score += dense_weight * max(candidate.dense, 0.0) / best_dense
            if candidate.lexical is not None and best_lexical > 0:
                candidate.score += (1.0 - dense_weight) * candidate.lexical / best_lexical

    def _dense(
        self,
        question: str,
        k: int,
        lexical: LexicalIndex,
        prefix: str | None,
        mask: npt.NDArray[np.bool_] | None,
    ) -> list[tuple[int, float]]:
        """Dense candidates as (row, cosine similarity), limited to ``mask`` if given.

        With a filter, the candidate set grows with the rarity of the prefix; only if that
        still leaves fewer than ``k`` candidates does Chroma filter (exactly, and slowly)."""
        vector = self.embedder.encode_one(question)
        wanted = self.config.candidates
        n = wanted
        if mask is not None:
            share = float(mask.mean())
            n = min(self.config.max_filter_candidates, math.ceil(wanted / share))
        rows = self._rows(self.index.dense.query(vector, n), lexical, mask)
        available = int(mask.sum()) if mask is not None else len(lexical)
        if prefix and len(rows) < min(k, available) and n < len(lexical):
            sources = [s for s in lexical.source_names if s.startswith(prefix)]
            rows = self._rows(self.index.dense.query(vector, wanted, sources), lexical, mask)
        return rows[:wanted]

    @staticmethod
    def _rows(
        results: list[tuple[str, float]],
        lexical: LexicalIndex,
        mask: npt.NDArray[np.bool_] | None,
    ) -> list[tuple[int, float]]:
        rows: list[tuple[int, float]] = []
        for chunk_id, similarity in results:
            row = lexical.row(chunk_id)
            # Unknown ids are vectors the catalog no longer has (a crashed ingest): ignore them.
            if row is not None and (mask is None or mask[row]):
                rows.append((row, similarity))
        return rows

    def _hits(self, question: str, best: list[_Candidate], lexical: LexicalIndex) -> list[Hit]:
        chunks = self.index.catalog.get_chunks([lexical.ids[c.row] for c in best])
        hits: list[Hit] = []
        for candidate in best:
            chunk = chunks.get(lexical.ids[candidate.row])
            if chunk is None:
                continue
            citation = Citation(
                source=chunk.source,
                title=chunk.title,
                heading=chunk.heading,
                heading_path=chunk.heading_path,
                snippet=best_snippet(chunk.text, question),
                score=round(candidate.score, 6),
            )
            hits.append(
                Hit(
                    chunk_id=chunk.id,
                    text=chunk.text,
                    score=round(candidate.score, 6),
                    dense_similarity=candidate.dense,
                    lexical_score=candidate.lexical,
                    superseded=chunk.superseded,
                    citation=citation,
                )
            )
        return hits
