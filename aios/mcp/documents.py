"""The company's documents over MCP: a search tool and one resource per document, both masked
for the caller's role as every channel masks them.

Listing and reading documents needs only the catalog; searching needs the embedding model,
which ``retriever`` loads the first time someone searches (seconds), not when the server starts.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from pydantic import BaseModel

from aios.knowledge.catalog import Catalog
from aios.knowledge.retriever import Retriever
from aios.policy.masking import Masker

URI_PREFIX = "aios://knowledge/"
EMPTY = "The knowledge base is empty: run `aios knowledge ingest` first."


class Document(BaseModel):
    source: str
    title: str

    @property
    def uri(self) -> str:
        return URI_PREFIX + self.source


class Documents:
    def __init__(
        self, catalog: Catalog, retriever: Callable[[], Retriever], masker: Masker
    ) -> None:
        self.catalog = catalog
        self.masker = masker
        self._open = retriever
        self._opened: Retriever | None = None
        self._opening = threading.Lock()

    def search(self, question: str, k: int, role: str) -> list[dict[str, Any]]:
        """The ``k`` passages that best answer ``question``, best first, as ``role`` may read
        them; QuestionError for a question that cannot be searched."""
        hits = self._retriever().search(question, k)
        passages = [
            {
                "source": h.citation.source,
                "uri": URI_PREFIX + h.citation.source,
                "title": h.citation.title,
                "heading": h.citation.heading_path,
                "text": h.text,
                "score": round(h.score, 4),
                "superseded": h.superseded,
            }
            for h in hits
        ]
        shown: list[dict[str, Any]] = self.masker.shown(passages, role)
        return shown

    def _retriever(self) -> Retriever:
        # Two first searches at once load the model once.
        with self._opening:
            if self._opened is None:
                self._opened = self._open()
            return self._opened

    def empty(self) -> bool:
        return self.catalog.count() == 0

    def listing(self) -> list[Document]:
        documents = []
        for source in sorted(self.catalog.files()):
            chunks = self.catalog.chunks_of(source)
            documents.append(Document(source=source, title=chunks[0].title if chunks else source))
        return documents

    def text(self, uri: str, role: str) -> str | None:
        """The document at ``uri`` as ``role`` may read it, section by section; None when
        there is no such document."""
        chunks = self.catalog.chunks_of(uri.removeprefix(URI_PREFIX))
        if not uri.startswith(URI_PREFIX) or not chunks:
            return None
        sections = [f"# {chunks[0].title}"]
        sections += [
            f"## {c.heading_path}\n\n{c.text}" if c.heading_path else c.text for c in chunks
        ]
        return self.masker.mask_text("\n\n".join(sections), role)
