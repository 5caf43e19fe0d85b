"""Query latency at scale: a synthetic collection of N chunks, searched like the real one, with
the vectors in the embedded Chroma store or on a Chroma server.

Embedding N real chunks would take the model far longer than the measurement is worth, so
chunk vectors are synthetic (clustered random unit vectors, the rough shape of real ones) and
written straight into the stores; texts are drawn from a Zipf-distributed vocabulary so BM25
sees realistic posting lists. Queries go through the real :class:`Retriever`, including the
real model encoding the question, with and without a source-prefix filter.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Any

import httpx
import numpy as np
from pydantic import BaseModel, Field

from aios.knowledge.bench import Latency
from aios.knowledge.catalog import FileChange, FileRecord
from aios.knowledge.chroma_embedding import ChromaEmbeddingFunction
from aios.knowledge.chunking import chunk_id
from aios.knowledge.dense import DenseIndex, chroma_client
from aios.knowledge.embedder import Embedder
from aios.knowledge.index import KnowledgeIndex
from aios.knowledge.models import Chunk
from aios.knowledge.retriever import Retriever
from aios.loopback import free_port

FOLDERS = {"finance/": 0.50, "support/": 0.25, "sales/": 0.15, "legal/": 0.05, "ops/": 0.05}
CHUNKS_PER_DOC = 50
_SYLLABLES = ["ka", "lo", "mi", "ne", "ru", "ta", "vo", "shi", "pe", "da", "gu", "xi", "ber", "son"]
# chromadb installs its server command next to the interpreter.
CHROMA = Path(sys.executable).with_name("chroma")


class Store(StrEnum):
    EMBEDDED = "embedded"
    SERVER = "server"


class FilteredLatency(BaseModel):
    prefix: str
    share: float = Field(description="Share of all chunks under the prefix.")
    latency: Latency


class ScaleBench(BaseModel):
    chunks: int
    store: Store = Field(description="Where the vectors live: embedded Chroma or a server.")
    build_seconds: float
    hybrid: Latency = Field(description="Hybrid search, no filter, query encoding included.")
    filtered: list[FilteredLatency]
    vector_query: Latency = Field(
        description="The nearest-neighbour query alone, question already encoded: the part "
        "that differs between the embedded store and a server."
    )
    encode_only: Latency = Field(
        description="Encoding the same questions alone: the share of the latency the model takes."
    )


def run_scale_benches(
    embedder: Embedder,
    sizes: Sequence[int],
    stores: Sequence[Store],
    *,
    chroma_url: str | None = None,
    queries: int = 100,
) -> list[ScaleBench]:
    """Every size on every store. The server is ``chroma_url`` when given (the run writes to a
    collection of its own there and deletes it), else a ``chroma run`` started for the run."""
    with ExitStack() as stack:
        if sizes and Store.SERVER in stores and chroma_url is None:
            path = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="aios-chroma-")))
            chroma_url = stack.enter_context(chroma_server(path))
        return [
            run_scale_bench(
                embedder, n, chroma_url=chroma_url if s is Store.SERVER else None, queries=queries
            )
            for n in sizes
            for s in stores
        ]


def run_scale_bench(
    embedder: Embedder,
    n: int,
    *,
    chroma_url: str | None = None,
    queries: int = 100,
    seed: int = 7,
) -> ScaleBench:
    """Build ``n`` synthetic chunks in a temporary directory (their vectors on the Chroma
    server at ``chroma_url`` if given) and time hybrid queries on them."""
    rng = np.random.default_rng(seed)
    vocabulary = _vocabulary(rng, 6000)
    with tempfile.TemporaryDirectory(prefix="aios-scale-") as tmp, ExitStack() as stack:
        index = KnowledgeIndex(Path(tmp), embedder)
        stack.callback(index.close)
        if chroma_url:
            index.dense = stack.enter_context(_scratch_collection(chroma_url, embedder))
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
        vectors = [embedder.encode_one(q) for q in questions]
        candidates = retriever.config.candidates
        vector_query = Latency.of([_timed(index.dense.query, v, candidates) for v in vectors])
        encode_only = Latency.of([_timed(embedder.encode_one, q) for q in questions])
    return ScaleBench(
        chunks=n,
        store=Store.SERVER if chroma_url else Store.EMBEDDED,
        build_seconds=round(build_seconds, 1),
        hybrid=hybrid,
        filtered=filtered,
        vector_query=vector_query,
        encode_only=encode_only,
    )


@contextmanager
def _scratch_collection(chroma_url: str, embedder: Embedder) -> Iterator[DenseIndex]:
    """A collection of the run's own on the server, deleted afterwards: the server may be a
    real one, whose knowledge collection the run must not touch. (The index has opened its
    embedded store under the temporary directory as well; it stays empty.)"""
    name = f"aios-bench-{uuid.uuid4().hex[:12]}"
    try:
        yield DenseIndex(chroma_url, ChromaEmbeddingFunction(embedder), collection=name)
    finally:
        chroma_client(chroma_url).delete_collection(name)


@contextmanager
def chroma_server(path: Path, *, timeout_s: float = 60) -> Iterator[str]:
    """``chroma run`` on a free loopback port, storing under ``path``; yields its URL."""
    if not CHROMA.exists():
        raise RuntimeError(f"{CHROMA} not found: the chromadb package installs it")
    port = free_port()
    server = subprocess.Popen(
        [str(CHROMA), "run", "--path", str(path), "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout_s
        while not _beats(url):
            if time.monotonic() > deadline or server.poll() is not None:
                raise RuntimeError(f"the Chroma server did not start within {timeout_s:.0f} s")
            time.sleep(0.3)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=20)


def _beats(url: str) -> bool:
    try:
        return httpx.get(f"{url}/api/v2/heartbeat", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


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
