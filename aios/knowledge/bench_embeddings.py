"""``aios bench embeddings``: the embedding model on onnxruntime next to torch, in the same run.

Each backend is measured in a fresh process (:mod:`aios.knowledge._embed_probe`) on the same
texts: a short query's latency (the skills' example messages, as the planner embeds them), the
throughput over the knowledge corpus' chunks (as ingestion embeds them), the load time from the
first import, and the resident memory after loading and after the batch. The processes alternate
over the rounds, so a neighbour's load falls on both alike; ratios are torch over onnx.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any, Literal

import numpy as np
import yaml
from pydantic import BaseModel, Field

from aios.knowledge._scan import scan
from aios.knowledge.chunking import chunk_document
from aios.knowledge.loaders import SkipFile, load_file

Backend = Literal["onnx", "torch"]
BACKENDS: tuple[Backend, ...] = ("torch", "onnx")


class BackendFigures(BaseModel):
    backend: Backend
    load_s: float = Field(description="From the first import of aios's embedder to a loaded model.")
    rss_loaded_mib: float = Field(description="Resident memory once the model is loaded.")
    rss_after_mib: float = Field(description="Resident memory after the corpus batches.")
    query_p50_ms: float = Field(description="Median time to embed one short message.")
    corpus_texts_per_s: float = Field(description="Corpus chunks embedded per second.")
    torch_imported: bool


class EmbeddingsBench(BaseModel):
    runs: int
    queries: int
    corpus_chunks: int
    backends: list[BackendFigures] = Field(description="Each figure the median over the runs.")
    speedup: dict[str, float] = Field(description="torch over onnx (throughput: onnx over torch).")
    min_cosine: float = Field(description="Least cosine between the two backends' vectors.")


def corpus_texts(knowledge_dir: Path) -> list[str]:
    """The text of every chunk the knowledge base embeds for ``knowledge_dir``."""
    texts: list[str] = []
    for source, path in scan([knowledge_dir], knowledge_dir).files.items():
        try:
            document = load_file(path)
        except SkipFile:
            continue
        texts.extend(chunk.embed_text for chunk in chunk_document(document, source))
    return texts


def skill_examples(skills_dir: Path) -> list[str]:
    """The example messages of every skill: short texts as the planner embeds them."""
    examples: list[str] = []
    for path in sorted(skills_dir.glob("*.yaml")):
        skill = yaml.safe_load(path.read_text()) or {}
        examples.extend(str(e) for e in skill.get("examples", []))
    return examples


def run_embeddings_bench(
    knowledge_dir: Path, skills_dir: Path, models_dir: Path, *, runs: int = 2, queries: int = 200
) -> EmbeddingsBench:
    corpus = corpus_texts(knowledge_dir)
    messages = skill_examples(skills_dir)[:queries]
    if not corpus or not messages:
        raise ValueError(f"nothing to embed in {knowledge_dir} (chunks) or {skills_dir} (examples)")
    figures: dict[Backend, list[dict[str, Any]]] = {b: [] for b in BACKENDS}
    vectors: dict[Backend, np.ndarray] = {}
    with tempfile.TemporaryDirectory(prefix="aios-bench-embeddings-") as scratch:
        given = Path(scratch) / "texts.json"
        given.write_text(json.dumps({"queries": messages, "corpus": corpus, "rounds": 2}))
        for run in range(runs):
            for backend in BACKENDS if run % 2 == 0 else BACKENDS[::-1]:
                out = Path(scratch) / f"{backend}.npy"
                figures[backend].append(_probe(backend, given, out, models_dir))
                vectors[backend] = np.load(out)
    medians = [_median(backend, figures[backend]) for backend in BACKENDS]
    torch_, onnx_ = medians
    return EmbeddingsBench(
        runs=runs,
        queries=len(messages),
        corpus_chunks=len(corpus),
        backends=medians,
        speedup={
            "query_p50": round(torch_.query_p50_ms / onnx_.query_p50_ms, 2),
            "corpus_throughput": round(onnx_.corpus_texts_per_s / torch_.corpus_texts_per_s, 2),
            "load": round(torch_.load_s / onnx_.load_s, 2),
            "rss_loaded": round(torch_.rss_loaded_mib / onnx_.rss_loaded_mib, 2),
        },
        min_cosine=round(float((vectors["torch"] * vectors["onnx"]).sum(axis=1).min()), 5),
    )


def _probe(backend: Backend, given: Path, out: Path, models_dir: Path) -> dict[str, Any]:
    env = {**os.environ, "AIOS_EMBEDDER": backend, "AIOS_MODEL_CACHE_DIR": str(models_dir)}
    command = [sys.executable, "-m", "aios.knowledge._embed_probe", str(given), str(out)]
    done = subprocess.run(command, capture_output=True, text=True, env=env)
    if done.returncode != 0:
        raise RuntimeError(f"the {backend} probe failed:\n{done.stderr[-2000:]}")
    result: dict[str, Any] = json.loads(done.stdout.splitlines()[-1])
    return result


def _median(backend: Backend, runs: list[dict[str, Any]]) -> BackendFigures:
    numbers = {
        key: round(statistics.median(float(run[key]) for run in runs), 2)
        for key in BackendFigures.model_fields
        if key not in ("backend", "torch_imported")
    }
    imported = any(bool(run["torch_imported"]) for run in runs)
    return BackendFigures(backend=backend, torch_imported=imported, **numbers)
