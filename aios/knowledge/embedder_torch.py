"""The embedding model run by sentence-transformers on torch: the reference the ONNX runner is
tested against (``AIOS_EMBEDDER=torch``). Importing torch costs seconds and hundreds of MiB."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

import numpy as np

from aios.knowledge.embedder import (
    MODEL_NAME,
    SMALL_INPUT,
    Embedder,
    Vectors,
    model_dir,
    words_of,
)

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer


class TorchEmbedder(Embedder):
    """all-MiniLM-L6-v2 through sentence-transformers."""

    def __init__(self, model: SentenceTransformer, *, name: str = MODEL_NAME, batch_size: int = 64):
        self._model = model
        self.name = name
        self.batch_size = batch_size
        dimension = model.get_embedding_dimension()
        if dimension is None:  # pragma: no cover - every sentence-transformers model reports it
            raise ValueError(f"model {name} does not report its embedding dimension")
        self.dimension = dimension

    def _encode(self, texts: list[str]) -> Vectors:
        with _threads(1 if len(texts) <= SMALL_INPUT else None):
            vectors = self._model.encode(
                texts,
                batch_size=self.batch_size,
                normalize_embeddings=True,
                convert_to_numpy=True,
                show_progress_bar=False,
            )
        result: Vectors = np.asarray(vectors, dtype=np.float32)
        return result

    def vocabulary(self) -> frozenset[str]:
        vocab: dict[str, int] = getattr(
            getattr(self._model, "tokenizer", None), "get_vocab", dict
        )()
        return words_of(vocab)


def load_torch_embedder(*, device: str = "cpu", batch_size: int = 64) -> TorchEmbedder:
    """Load the packaged model with sentence-transformers, offline."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    from sentence_transformers import SentenceTransformer
    from transformers.utils import logging as transformers_logging

    # The model is on local disk and loads in about a second: a progress bar of its weights on
    # every start (a terminal command's, a server's) tells nobody anything.
    transformers_logging.disable_progress_bar()  # type: ignore[no-untyped-call]
    model = SentenceTransformer(str(model_dir()), device=device, local_files_only=True)
    return TorchEmbedder(model, batch_size=batch_size)


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
