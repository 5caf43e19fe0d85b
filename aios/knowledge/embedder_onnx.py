"""The embedding model run by onnxruntime, with the Hugging Face tokenizer: no torch in the process.

The packaged model has weights and a tokenizer but no ONNX graph: the first process that needs
one exports it (:mod:`aios.knowledge.onnx_export`, in a child process that alone imports torch)
into the models directory, under a name keyed by a hash of the model's files, so a changed model
is exported again. Pooling and normalisation are sentence-transformers': the mean of the token
vectors under the attention mask, scaled to unit length.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import numpy.typing as npt
import onnxruntime as ort
from filelock import FileLock
from tokenizers import Encoding, Tokenizer

from aios.knowledge.embedder import MODEL_NAME, SMALL_INPUT, Embedder, Vectors, model_dir, words_of
from aios.knowledge.onnx_export import INPUTS, OPSET

EXPORT_FORMAT = f"hidden-states-opset{OPSET}"
"""Part of the cache key: a change to what the export writes must not reuse an old file."""
TOKENS_PER_RUN = 4096
"""Tokens (rows x longest row) handed to one run: attention's memory grows with rows times the
square of the length, and a batch of 64 texts of 256 tokens took the process past 1.9 GiB, where
runs of this size keep it near 330 MiB at the same throughput."""


class OnnxEmbedder(Embedder):
    """all-MiniLM-L6-v2 through onnxruntime."""

    def __init__(self, onnx_file: Path, model: Path, *, batch_size: int = 64) -> None:
        self.name = MODEL_NAME
        self.batch_size = batch_size
        config = json.loads((model / "sentence_bert_config.json").read_text())
        pooling = json.loads((model / "1_Pooling" / "config.json").read_text())
        if not pooling.get("pooling_mode_mean_tokens"):
            raise ValueError(f"{model}: only mean pooling is implemented, not {pooling}")
        self.dimension = int(pooling["word_embedding_dimension"])
        self._tokenizer = Tokenizer.from_file(str(model / "tokenizer.json"))
        # tokenizer.json pads every input to 128 and cuts there; sentence-transformers cuts at
        # the model's max_seq_length and pads a batch to its longest text. We pad ourselves.
        self._tokenizer.enable_truncation(max_length=int(config["max_seq_length"]))
        self._tokenizer.no_padding()
        self._session = _session(onnx_file)
        # Memory a long batch took is handed back after it; a short text's run keeps it.
        self._shrink = ort.RunOptions()
        self._shrink.add_run_config_entry("memory.enable_memory_arena_shrinkage", "cpu:0")

    def _encode(self, texts: list[str]) -> Vectors:
        encodings = self._tokenizer.encode_batch(texts)
        # Longest first, as sentence-transformers batches: texts of like length pad little.
        order = sorted(range(len(texts)), key=lambda i: -len(encodings[i].ids))
        vectors = np.empty((len(texts), self.dimension), dtype=np.float32)
        start = 0
        while start < len(order):
            longest = len(encodings[order[start]].ids)
            batch = order[start : start + max(1, min(TOKENS_PER_RUN // longest, self.batch_size))]
            vectors[batch] = self._batch([encodings[i] for i in batch])
            start += len(batch)
        return vectors

    def _batch(self, encodings: list[Encoding]) -> Vectors:
        width = max(len(e.ids) for e in encodings)
        ids = np.zeros((len(encodings), width), dtype=np.int64)
        mask = np.zeros_like(ids)
        for row, encoding in enumerate(encodings):
            ids[row, : len(encoding.ids)] = encoding.ids
            mask[row, : len(encoding.ids)] = 1
        feeds = dict(zip(INPUTS, (ids, mask, np.zeros_like(ids)), strict=True))
        options = self._shrink if len(encodings) > SMALL_INPUT else None
        hidden: npt.NDArray[np.float32] = self._session.run(None, feeds, options)[0]
        weights = mask[:, :, None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
        norms = np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)
        result: Vectors = (pooled / norms).astype(np.float32)
        return result

    def vocabulary(self) -> frozenset[str]:
        return words_of(self._tokenizer.get_vocab())


def load_onnx_embedder(models_dir: Path, *, batch_size: int = 64) -> OnnxEmbedder:
    """The packaged model on onnxruntime, exporting its graph into ``models_dir`` if need be."""
    model = model_dir()
    return OnnxEmbedder(exported(model, models_dir), model, batch_size=batch_size)


def exported(model: Path, models_dir: Path) -> Path:
    """The ONNX file of ``model`` in ``models_dir``, exported first if it is not there yet.

    Processes starting together take turns on a lock: the first exports, the others find its
    file. The file appears whole or not at all (the export renames it into place)."""
    target = models_dir / f"{MODEL_NAME}-{model_key(model)[:16]}.onnx"
    if target.is_file():
        return target
    models_dir.mkdir(parents=True, exist_ok=True)
    with FileLock(str(models_dir / f"{MODEL_NAME}.lock")):
        if not target.is_file():
            _export(model, target)
    return target


def model_key(model: Path) -> str:
    """A hash of every file of the model (weights, configuration, tokenizer) and of the export's
    format: the cache key of its ONNX graph."""
    digest = hashlib.sha256(EXPORT_FORMAT.encode())
    for path in sorted(p for p in model.rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(model)).encode())
        with path.open("rb") as file:
            digest.update(hashlib.file_digest(file, "sha256").digest())
    return digest.hexdigest()


def _export(model: Path, target: Path) -> None:
    command = [sys.executable, "-m", "aios.knowledge.onnx_export", str(model), str(target)]
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(
            f"exporting {model} to ONNX failed (exit {done.returncode}); it needs torch, "
            f"transformers and onnx installed, as `make setup` does:\n{done.stderr[-2000:]}"
        )


def _session(onnx_file: Path) -> ort.InferenceSession:
    """One session for short texts and long batches alike: a second one, on one thread for
    short texts as torch runs them, would hold the weights twice (about 100 MiB). Its threads
    wait without spinning: spinning is what made a short text several times slower on a busy
    machine; without it a short text took as long on both cores as on one (docs/benchmarks.md).
    """
    options = ort.SessionOptions()
    options.inter_op_num_threads = 1
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    # Prepacking keeps a second, reordered copy of the weights: 28 MiB more for a short text no
    # faster and a long batch about a tenth faster (measured); memory is what a worker lacks.
    options.add_session_config_entry("session.disable_prepacking", "1")
    return ort.InferenceSession(str(onnx_file), options, providers=["CPUExecutionProvider"])
