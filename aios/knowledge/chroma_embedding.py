"""Our embedding function as Chroma sees it: kept apart from :mod:`aios.knowledge.embedder`
so that embedding a text (the planner does, on every message) never imports Chroma."""

from __future__ import annotations

from typing import Any

from chromadb.api.types import Documents, EmbeddingFunction, Embeddings

from aios.knowledge.embedder import MODEL_NAME, Embedder


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
