"""The dense side: chunk vectors in a Chroma collection (cosine space), embedded under the
data directory by default or on a Chroma server (``AIOS_CHROMA_URL``) when several workers
share one.

We compute every vector ourselves and pass it in, and we always hand Chroma our own embedding
function, so Chroma never reaches for its default model (which would try to download one).
Queries ask for ids and distances only: that keeps a 100-candidate query at about 2 ms on
100k chunks, where asking for metadata too costs several times more.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import cast
from urllib.parse import urlsplit

import chromadb
from chromadb.api import ClientAPI
from chromadb.api.types import Embeddable, EmbeddingFunction
from chromadb.config import Settings as ChromaSettings

from aios.knowledge.chroma_embedding import ChromaEmbeddingFunction
from aios.knowledge.embedder import Vectors
from aios.knowledge.models import Chunk

COLLECTION = "knowledge"


def chroma_client(where: Path | str) -> ClientAPI:
    """An embedded store in directory ``where``, or the server at URL ``where``."""
    settings = ChromaSettings(anonymized_telemetry=False)
    if isinstance(where, Path):
        where.mkdir(parents=True, exist_ok=True)
        return chromadb.PersistentClient(path=str(where), settings=settings)
    url = urlsplit(where)
    if url.scheme not in ("http", "https") or not url.hostname:
        raise ValueError(f"not a Chroma server URL: {where!r} (want e.g. http://127.0.0.1:8001)")
    port = url.port or (443 if url.scheme == "https" else 80)
    return chromadb.HttpClient(
        host=url.hostname, port=port, ssl=url.scheme == "https", settings=settings
    )


class DenseIndex:
    def __init__(
        self,
        where: Path | str,
        embedding_function: ChromaEmbeddingFunction,
        collection: str = COLLECTION,
    ) -> None:
        self._client = chroma_client(where)
        self._collection = self._client.get_or_create_collection(
            collection,
            # Chroma types the parameter over all embeddable inputs; ours embeds documents only.
            embedding_function=cast("EmbeddingFunction[Embeddable]", embedding_function),
            configuration={"hnsw": {"space": "cosine"}},
        )
        self._batch = max(1, min(self._client.get_max_batch_size(), 2000))

    def count(self) -> int:
        return self._collection.count()

    def ids(self) -> set[str]:
        return set(self._collection.get(include=[])["ids"])

    def upsert(self, chunks: Sequence[Chunk], vectors: Vectors) -> None:
        for start in range(0, len(chunks), self._batch):
            part = chunks[start : start + self._batch]
            self._collection.upsert(
                ids=[c.id for c in part],
                embeddings=vectors[start : start + len(part)],
                documents=[c.text for c in part],
                metadatas=[c.metadata() for c in part],
            )

    def update_metadata(self, chunks: Sequence[Chunk]) -> None:
        """Rewrite metadata only; the stored vectors and documents stay as they are."""
        for start in range(0, len(chunks), self._batch):
            part = chunks[start : start + self._batch]
            self._collection.update(
                ids=[c.id for c in part], metadatas=[c.metadata() for c in part]
            )

    def delete(self, ids: Sequence[str]) -> None:
        for start in range(0, len(ids), self._batch):
            self._collection.delete(ids=list(ids[start : start + self._batch]))

    def query(
        self, vector: Vectors, n: int, sources: Sequence[str] | None = None
    ) -> list[tuple[str, float]]:
        """The ``n`` nearest chunks as (id, cosine similarity), best first.

        ``sources`` restricts the search to those documents with a Chroma ``where`` filter;
        that is exact but slow on large collections, so callers use it only as a fallback.
        """
        # No count() first: it costs ~15 ms on 100k vectors, and Chroma returns what it has.
        if n <= 0 or (sources is not None and not sources):
            return []
        where = {"source": {"$in": list(sources)}} if sources is not None else None
        result = self._collection.query(
            query_embeddings=vector.reshape(1, -1),
            n_results=n,
            where=where,  # type: ignore[arg-type]
            include=["distances"],
        )
        ids = result["ids"][0]
        distances = (result["distances"] or [[]])[0]
        return [(i, 1.0 - float(d)) for i, d in zip(ids, distances, strict=True)]
