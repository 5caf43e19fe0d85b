"""The knowledge base as one object: the index with its retriever and answerer, built once.

Front ends (the CLI, later the assistant's retrieve step) open it with the process's single
:class:`Embedder` and use its three parts; nothing here is a module-level singleton.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from aios.knowledge.answer import AnswerConfig, Answerer
from aios.knowledge.chunking import ChunkingConfig
from aios.knowledge.embedder import Embedder
from aios.knowledge.index import KnowledgeIndex
from aios.knowledge.retriever import RetrievalConfig, Retriever


@dataclass
class KnowledgeBase:
    index: KnowledgeIndex
    retriever: Retriever
    answerer: Answerer

    @classmethod
    def open(
        cls,
        data_dir: Path,
        embedder: Embedder,
        *,
        chunking: ChunkingConfig | None = None,
        retrieval: RetrievalConfig | None = None,
        answering: AnswerConfig | None = None,
        chroma_url: str | None = None,
    ) -> KnowledgeBase:
        """Open (or create) the knowledge stores under ``data_dir`` (vectors on the Chroma
        server at ``chroma_url`` if given)."""
        index = KnowledgeIndex(data_dir, embedder, chunking=chunking, chroma_url=chroma_url)
        retriever = Retriever(index, embedder, retrieval)
        return cls(index=index, retriever=retriever, answerer=Answerer(retriever, answering))

    def close(self) -> None:
        self.index.close()
