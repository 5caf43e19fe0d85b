"""The embedding model on onnxruntime: the same vectors as sentence-transformers on torch, an
export made once per model version, and no torch in the process that embeds."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from aios.cli import bench
from aios.knowledge.bench_embeddings import corpus_texts, skill_examples
from aios.knowledge.embedder import Embedder, load_embedder, model_dir
from aios.knowledge.embedder_onnx import OnnxEmbedder, exported, model_key
from aios.knowledge.embedder_torch import TorchEmbedder
from aios.settings import Settings

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]
SHORT_TEXTS = [
    "refund INV-10023",
    "cancel order SO-5531 for Acme Industrial",
    "what's going on with Northwind Traders?",
    "hi",
    "",
    "who approves a refund above $500?",
    "Add a note to ACC-1003: called about the late shipment, will call back Friday " * 20,
]


@pytest.fixture(scope="module")
def torch_embedder() -> Embedder:
    return load_embedder(Settings(embedder="torch"))


def _cosines(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return (a * b).sum(axis=1) / (np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1))


def test_the_default_backend_is_onnx_and_torch_is_chosen_by_setting(
    embedder: Embedder, torch_embedder: Embedder
) -> None:
    assert isinstance(embedder, OnnxEmbedder)
    assert isinstance(torch_embedder, TorchEmbedder)
    assert (embedder.name, embedder.dimension) == (torch_embedder.name, torch_embedder.dimension)
    assert embedder.vocabulary() == torch_embedder.vocabulary()


@pytest.mark.parametrize("which", ["knowledge-chunks", "short-texts"])
def test_vectors_match_torch(embedder: Embedder, torch_embedder: Embedder, which: str) -> None:
    if which == "knowledge-chunks":
        texts = corpus_texts(REPO / "knowledge")
    else:
        texts = skill_examples(REPO / "skills") + SHORT_TEXTS
    assert len(texts) > 50
    onnx_vectors, torch_vectors = embedder.encode(texts), torch_embedder.encode(texts)
    assert onnx_vectors.shape == torch_vectors.shape == (len(texts), 384)
    assert _cosines(onnx_vectors, torch_vectors).min() >= 0.999
    assert np.allclose(np.linalg.norm(onnx_vectors, axis=1), 1.0, atol=1e-5)
    # One at a time (a query) gives the vector it gets in a batch.
    assert _cosines(embedder.encode([texts[0]]), onnx_vectors[:1]).min() >= 0.99999
    assert embedder.encode([]).shape == (0, 384)


def test_the_export_is_reused_and_redone_when_the_model_changes(tmp_path: Path) -> None:
    model = tmp_path / "model"
    shutil.copytree(model_dir(), model)
    models_dir = tmp_path / "models"
    first = exported(model, models_dir)
    made = first.stat().st_mtime_ns
    assert exported(model, models_dir) == first
    assert first.stat().st_mtime_ns == made  # found, not exported again

    # A changed model file changes the key. Two processes asking at once get one whole file.
    (model / "README.md").write_text("a retrained model\n")
    child = "import sys; from pathlib import Path; from aios.knowledge.embedder_onnx import "
    child += "exported; print(exported(Path(sys.argv[1]), Path(sys.argv[2])))"
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    command = [sys.executable, "-c", child, str(model), str(models_dir)]
    children = [subprocess.Popen(command, env=env, stdout=subprocess.PIPE, text=True)]
    children.append(subprocess.Popen(command, env=env, stdout=subprocess.PIPE, text=True))
    paths = {Path(c.communicate(timeout=600)[0].strip()) for c in children}
    assert all(c.returncode == 0 for c in children)
    (second,) = paths
    assert second != first and model_key(model)[:16] in second.name
    # The cache is shared by every install of the user: another's export stays.
    assert sorted(p.name for p in models_dir.glob("*.onnx")) == sorted([first.name, second.name])
    assert not list(models_dir.glob(".*.tmp"))
    vector = OnnxEmbedder(second, model).encode_one("refund INV-10023")
    assert vector.shape == (384,)


CHILD = """
import json, sys
from aios.knowledge.embedder import load_embedder

embedder = load_embedder()
vector = embedder.encode(["who approves a refund above $500?"] * 10)
heavy = ("torch", "transformers", "sentence_transformers")
print(json.dumps({"loaded": sorted(m for m in heavy if m in sys.modules), "dim": vector.shape[1]}))
"""


def test_embedding_imports_no_torch(embedder: Embedder, tmp_path: Path) -> None:
    assert isinstance(embedder, OnnxEmbedder)  # so the export exists in the default cache
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    env.pop("AIOS_EMBEDDER", None)
    env["AIOS_MODEL_CACHE_DIR"] = str(Settings().models_dir.resolve())
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(CHILD)],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert json.loads(result.stdout.splitlines()[-1]) == {"loaded": [], "dim": 384}


def test_bench_embeddings_compares_the_backends_in_one_run(
    embedder: Embedder, corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AIOS_KNOWLEDGE_DIR", str(corpus))
    monkeypatch.setenv("AIOS_MODEL_CACHE_DIR", str(Settings().models_dir.resolve()))
    result = CliRunner().invoke(bench.app, ["embeddings", "--runs", "1", "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["corpus_chunks"] > 5 and report["queries"] > 50
    assert report["min_cosine"] >= 0.999
    by_backend = {row["backend"]: row for row in report["backends"]}
    assert by_backend["torch"]["torch_imported"] is True
    assert by_backend["onnx"]["torch_imported"] is False
    assert all(row["query_p50_ms"] > 0 and row["rss_loaded_mib"] > 0 for row in by_backend.values())
    assert set(report["speedup"]) == {"query_p50", "corpus_throughput", "load", "rss_loaded"}
