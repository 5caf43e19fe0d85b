"""Retrieval benchmark over the labelled questions: quality, latency and ingestion throughput.

A hit counts when it comes from the labelled document's labelled section (or one of its
sub-sections). Everything is
measured in one process with one loaded model, on fresh indexes in temporary directories, so
the ingestion throughput can be compared with the model's raw encode throughput of the very
same chunks. The synthetic scale run lives in :mod:`aios.knowledge.bench_scale`.

On a shared machine the same encode can take 13 s or 24 s a minute apart, so one ingest timed
against one encode says more about the neighbours than about ingestion: the bench times
several rounds of an ingest followed at once by a raw encode, and reports the median. It also
reports the share of each ingest spent in the model, which load slows down as much as the rest
and which therefore shows the pipeline's own overhead however busy the machine is.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import yaml
from pydantic import BaseModel, Field

from aios.knowledge.answer import AnswerConfig, Answerer
from aios.knowledge.chunking import ChunkingConfig
from aios.knowledge.embedder import Embedder
from aios.knowledge.index import KnowledgeIndex
from aios.knowledge.models import Hit
from aios.knowledge.retriever import Mode, RetrievalConfig, Retriever

RANK_DEPTH = 10
"""MRR is computed over this many results (a label not in the top 10 scores 0)."""
INGEST_ROUNDS = 3
"""Rounds of (fresh ingest, raw encode of the same chunks) timed for the throughput ratio."""


class LabelledQuestion(BaseModel):
    id: str
    question: str
    source: str = Field(description="Path relative to the knowledge directory.")
    heading: str = Field(description="Deepest heading above the answer ('' if none).")
    split: str = "test"
    older: str | None = Field(None, description="A superseded document with an outdated answer.")


class QuestionSet(BaseModel):
    questions: list[LabelledQuestion]
    unanswerable: list[str] = Field(default_factory=list)

    @classmethod
    def load(cls, path: Path) -> QuestionSet:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        return cls.model_validate(data)

    def split(self, name: str) -> list[LabelledQuestion]:
        return [q for q in self.questions if name in ("all", q.split)]


class ModeScores(BaseModel):
    recall_at_1: float
    recall_at_5: float
    mrr: float


class Latency(BaseModel):
    p50_ms: float
    p95_ms: float
    queries: int

    @classmethod
    def of(cls, seconds: Sequence[float]) -> Latency:
        ms = np.asarray(seconds) * 1000.0
        p50, p95 = np.percentile(ms, [50, 95]) if len(ms) else (0.0, 0.0)
        return cls(p50_ms=round(float(p50), 2), p95_ms=round(float(p95), 2), queries=len(ms))


class Ingestion(BaseModel):
    files: int
    chunks: int
    seconds: float = Field(description="Median ingest time of a fresh index.")
    chunks_per_s: float
    encode_chunks_per_s: float = Field(
        description="Raw model throughput on the same chunks, in one encode call (median)."
    )
    ratio: float = Field(description="Median over the rounds of ingestion / raw encode.")
    ratios: list[float] = Field(description="Each round's ratio, in the order run.")
    model_share: float = Field(
        description="Median share of an ingest's time spent encoding: 1 - pipeline overhead."
    )


class AnswererScores(BaseModel):
    threshold: float
    unanswerable_refused: float = Field(description="Share of unanswerable questions refused.")
    answerable_found: float = Field(description="Share of labelled questions answered.")
    answerable_correct: float = Field(description="Share whose first passage is the label.")


class Miss(BaseModel):
    id: str
    question: str
    expected: str
    got: list[str]


class RetrievalBench(BaseModel):
    split: str
    questions: int
    dense: ModeScores
    lexical: ModeScores
    hybrid: ModeScores
    latency: Latency = Field(description="End-to-end hybrid search, query encoding included.")
    ingestion: Ingestion
    answerer: AnswererScores
    current_over_older: float | None = Field(
        description="Of the questions whose answer has a superseded older version, the share"
        " where hybrid ranks the current document above the older one."
    )
    hybrid_misses_at_5: list[Miss]


def matches(hit: Hit, question: LabelledQuestion) -> bool:
    """Whether ``hit`` lies in the labelled section: under its heading, or a sub-heading of it.

    The document's own title heading is not a section here: under it lies everything."""
    if hit.citation.source != question.source:
        return False
    below_title = hit.citation.heading_path.split(" > ")[1:]
    return hit.citation.heading == question.heading or question.heading in below_title


def run_retrieval_bench(
    embedder: Embedder,
    knowledge_dir: Path,
    questions: QuestionSet,
    *,
    split: str = "test",
    retrieval: RetrievalConfig | None = None,
    chunking: ChunkingConfig | None = None,
    answering: AnswerConfig | None = None,
    ingest_rounds: int = INGEST_ROUNDS,
) -> RetrievalBench:
    """Ingest ``knowledge_dir`` into a fresh temporary index and score the ``split``."""
    labelled = questions.split(split)
    if not labelled:
        raise ValueError(f"no questions in split {split!r}")
    with tempfile.TemporaryDirectory(prefix="aios-bench-") as tmp:
        index = KnowledgeIndex(Path(tmp), embedder, chunking=chunking)
        try:
            ingestion = _ingestion(index, knowledge_dir, rounds=ingest_rounds)
            retriever = Retriever(index, embedder, retrieval)
            scores: dict[Mode, ModeScores] = {}
            ranked: dict[Mode, list[list[Hit]]] = {}
            timings: list[float] = []
            for mode in (Mode.DENSE, Mode.LEXICAL, Mode.HYBRID):
                ranked[mode] = []
                for question in labelled:
                    began = time.perf_counter()
                    ranked[mode].append(retriever.search(question.question, RANK_DEPTH, mode=mode))
                    if mode is Mode.HYBRID:
                        timings.append(time.perf_counter() - began)
                scores[mode] = _score(labelled, ranked[mode])
            answerer = Answerer(retriever, answering)
            answers = _answerer(answerer, labelled, questions.unanswerable)
        finally:
            index.close()
    misses = [
        Miss(
            id=q.id,
            question=q.question,
            expected=f"{q.source} # {q.heading}",
            got=[f"{h.citation.source} # {h.citation.heading}" for h in hits[:5]],
        )
        for q, hits in zip(labelled, ranked[Mode.HYBRID], strict=True)
        if not any(matches(h, q) for h in hits[:5])
    ]
    return RetrievalBench(
        split=split,
        questions=len(labelled),
        dense=scores[Mode.DENSE],
        lexical=scores[Mode.LEXICAL],
        hybrid=scores[Mode.HYBRID],
        latency=Latency.of(timings),
        ingestion=ingestion,
        answerer=answers,
        current_over_older=_current_over_older(labelled, ranked[Mode.HYBRID]),
        hybrid_misses_at_5=misses,
    )


def _ingestion(index: KnowledgeIndex, knowledge_dir: Path, *, rounds: int) -> Ingestion:
    """Ingest ``knowledge_dir`` into ``index`` (kept for the quality measurements), then into
    fresh scratch indexes, each ingest followed at once by a raw encode of the same chunks."""
    embedder = index.embedder
    # Warm up on chunk-sized texts, so neither measurement pays for first-use allocations.
    embedder.encode(["a warm-up passage of about chunk length, " * 20] * index.embed_batch)
    report = index.ingest([], knowledge_dir)
    texts = [chunk.embed_text for chunk in index.catalog.iter_chunks()]
    reports, encodes = [report], [_encode_seconds(embedder, texts)]
    for _ in range(rounds - 1):
        with tempfile.TemporaryDirectory(prefix="aios-bench-ingest-") as tmp:
            scratch = KnowledgeIndex(Path(tmp), embedder, chunking=index.chunking)
            try:
                reports.append(scratch.ingest([], knowledge_dir))
            finally:
                scratch.close()
        encodes.append(_encode_seconds(embedder, texts))
    ingests = [r.seconds for r in reports]
    ratios = [encode / ingest for ingest, encode in zip(ingests, encodes, strict=True)]
    share = float(np.median([r.encode_seconds / r.seconds for r in reports]))
    seconds, encode_seconds = float(np.median(ingests)), float(np.median(encodes))
    return Ingestion(
        files=len(report.added),
        chunks=report.chunks_written,
        seconds=round(seconds, 3),
        chunks_per_s=round(report.chunks_written / seconds, 1),
        encode_chunks_per_s=round(len(texts) / encode_seconds, 1),
        ratio=round(float(np.median(ratios)), 3),
        ratios=[round(r, 3) for r in ratios],
        model_share=round(share, 3),
    )


def _encode_seconds(embedder: Embedder, texts: list[str]) -> float:
    """The model alone on ``texts``: one call, batched and ordered as the model sees fit."""
    began = time.perf_counter()
    embedder.encode(texts)
    return time.perf_counter() - began


def _score(labelled: list[LabelledQuestion], ranked: list[list[Hit]]) -> ModeScores:
    ranks = []
    for question, hits in zip(labelled, ranked, strict=True):
        rank = next((i for i, h in enumerate(hits, start=1) if matches(h, question)), None)
        ranks.append(rank)
    n = len(labelled)
    return ModeScores(
        recall_at_1=round(sum(r == 1 for r in ranks) / n, 4),
        recall_at_5=round(sum(r is not None and r <= 5 for r in ranks) / n, 4),
        mrr=round(sum(1 / r for r in ranks if r is not None) / n, 4),
    )


def _answerer(
    answerer: Answerer, labelled: list[LabelledQuestion], unanswerable: list[str]
) -> AnswererScores:
    refused = sum(not answerer.answer(q).found for q in unanswerable)
    found = correct = 0
    for question in labelled:
        answer = answerer.answer(question.question)
        found += answer.found
        correct += bool(answer.passages) and matches(answer.passages[0], question)
    return AnswererScores(
        threshold=answerer.config.min_similarity,
        unanswerable_refused=round(refused / len(unanswerable), 4) if unanswerable else 1.0,
        answerable_found=round(found / len(labelled), 4),
        answerable_correct=round(correct / len(labelled), 4),
    )


def _current_over_older(labelled: list[LabelledQuestion], ranked: list[list[Hit]]) -> float | None:
    wins = []
    for question, hits in zip(labelled, ranked, strict=True):
        if question.older is None:
            continue
        sources = [h.citation.source for h in hits]
        current = sources.index(question.source) if question.source in sources else None
        older = sources.index(question.older) if question.older in sources else None
        wins.append(current is not None and (older is None or current < older))
    return round(sum(wins) / len(wins), 4) if wins else None
