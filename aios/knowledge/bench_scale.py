"""Query latency at scale: a synthetic collection of N chunks, searched like the real one.

Embedding N real chunks would take the model far longer than the measurement is worth, so
chunk vectors are synthetic (clustered random unit vectors, the rough shape of real ones) and
written straight into the stores; texts are drawn from a Zipf-distributed vocabulary so BM25
sees realistic posting lists. Queries go through the real :class:`Retriever`, including the
real model encoding the question, with and without a source-prefix filter.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from pydantic import BaseModel, Field

from aios.knowledge.bench import Latency
from aios.knowledge.catalog import FileChange, FileRecord
from aios.knowledge.chunking import chunk_id
from aios.knowledge.embedder import Embedder
from aios.knowledge.index import KnowledgeIndex
from aios.knowledge.models import Chunk
from aios.knowledge.retriever import Retriever

FOLDERS = {"finance/": 0.50, "support/": 0.25, "sales/": 0.15, "legal/": 0.05, "ops/": 0.05}
CHUNKS_PER_DOC = 50
_SYLLABLES = ["ka", "lo", "mi", "ne", "ru", "ta", "vo", "shi", "pe", "da", "gu", "xi", "ber", "son"]


class FilteredLatency(BaseModel):
    prefix: str
    share: float = Field(description="Share of all chunks under the prefix.")
    latency: Latency


class ScaleBench(BaseModel):
    chunks: int
    build_seconds: float
    hybrid: Latency = Field(description="Hybrid search, no filter, query encoding included.")
    filtered: list[FilteredLatency]
    encode_only: Latency = Field(
        description="Encoding the same questions alone: the share of the latency the model takes."
    )


def run_scale_bench(embedder: Embedder, n: int, *, queries: int = 100, seed: int = 7) -> ScaleBench:
    """Build ``n`` synthetic chunks in a temporary directory and time hybrid queries on them."""
    rng = np.random.default_rng(seed)
    vocabulary = _vocabulary(rng, 6000)
    with tempfile.TemporaryDirectory(prefix="aios-scale-") as tmp:
        index = KnowledgeIndex(Path(tmp), embedder)
        try:
            began = time.perf_counter()
            _populate(index, n, vocabulary, rng)
            build_seconds = time.perf_counter() - began
            retriever = Retriever(index, embedder)
            questions = [" ".join(rng.choice(vocabulary[:2000], size=6)) for _ in range(queries)]
            retriever.search(questions[0])  # warm-up: first query loads what is lazy
            hybrid = _time(retriever, questions, None)
            filtered = [
                FilteredLatency(prefix=p, share=s, latency=_time(retriever, questions, p))
                for p, s in (("finance/", FOLDERS["finance/"]), ("legal/", FOLDERS["legal/"]))
            ]
            encode_only = Latency.of([_timed(embedder.encode_one, q) for q in questions])
        finally:
            index.close()
    return ScaleBench(
        chunks=n,
        build_seconds=round(build_seconds, 1),
        hybrid=hybrid,
        filtered=filtered,
        encode_only=encode_only,
    )


def _time(retriever: Retriever, questions: list[str], prefix: str | None) -> Latency:
    return Latency.of([_timed(retriever.search, q, 5, source_prefix=prefix) for q in questions])


def _timed(call: Callable[..., object], *args: Any, **kwargs: Any) -> float:
    began = time.perf_counter()
    call(*args, **kwargs)
    return time.perf_counter() - began


def _vocabulary(rng: np.random.Generator, size: int) -> list[str]:
    words: set[str] = set()
    while len(words) < size:
        words.add("".join(rng.choice(_SYLLABLES, size=int(rng.integers(2, 5)))))
    return sorted(words)


def _populate(
    index: KnowledgeIndex, n: int, vocabulary: list[str], rng: np.random.Generator
) -> None:
    weights = 1.0 / np.arange(1, len(vocabulary) + 1)  # Zipf: a few words are everywhere
    cumulative = np.cumsum(weights / weights.sum())
    words = np.array(vocabulary)
    folders = list(FOLDERS)
    shares = np.array(list(FOLDERS.values()))
    changes: list[FileChange] = []
    chunks: list[Chunk] = []
    for doc in range((n + CHUNKS_PER_DOC - 1) // CHUNKS_PER_DOC):
        folder = folders[int(rng.choice(len(folders), p=shares))]
        source = f"{folder}doc-{doc:06d}.md"
        part: list[Chunk] = []
        for ordinal in range(min(CHUNKS_PER_DOC, n - len(chunks))):
            heading = f"Section {ordinal}"
            picks = np.searchsorted(cumulative, rng.random(int(rng.integers(40, 110))))
            text = " ".join(words[np.minimum(picks, len(words) - 1)])
            part.append(
                Chunk(
                    id=chunk_id(source, heading, 0),
                    source=source,
                    title=f"Document {doc}",
                    heading=heading,
                    heading_path=f"Document {doc} > {heading}",
                    text=text,
                )
            )
        changes.append(FileChange(FileRecord(source, f"synthetic-{doc}", (), None), part))
        chunks.extend(part)
    index.catalog.commit(changes, [], {})
    centres = rng.normal(size=(max(1, n // 200), index.embedder.dimension)).astype(np.float32)
    batch = 5000
    for start in range(0, len(chunks), batch):
        part = chunks[start : start + batch]
        labels = rng.integers(0, len(centres), size=len(part))
        noise = rng.normal(size=(len(part), centres.shape[1])).astype(np.float32)
        vectors = centres[labels] + 0.8 * noise
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        index.dense.upsert(part, vectors)
    index.lexical()
