"""The typed values the knowledge subsystem passes around and returns."""

from __future__ import annotations

from pydantic import BaseModel, Field

from aios.knowledge.tables import linearize_tables


class DocumentMeta(BaseModel):
    """What a document says about itself (Markdown front matter, HTML meta tags, PDF info)."""

    title: str = Field(description="Human title; falls back to the first heading or file name.")
    version: str | None = Field(None, description="Document version, as written.")
    effective: str | None = Field(None, description="Date the document takes effect, as written.")
    owner: str | None = Field(None, description="Team or person responsible for the document.")
    supersedes: list[str] = Field(
        default_factory=list, description="Sources (relative paths) this document replaces."
    )
    superseded_by: str | None = Field(
        None, description="Source of the document that replaces this one, if any."
    )


class Section(BaseModel):
    """A run of text under one heading path, as a loader found it."""

    heading_path: list[str] = Field(description="Headings from the outermost to the innermost.")
    text: str = Field(description="The body text under that heading, without sub-sections.")
    atomic: bool = Field(
        False, description="Keep whole (e.g. a CSV row group); the chunker will not split it."
    )


class LoadedDocument(BaseModel):
    """A file read into metadata and structured sections."""

    meta: DocumentMeta
    sections: list[Section]


class Chunk(BaseModel):
    """One retrievable passage, with everything a citation needs."""

    id: str = Field(description="Stable: hash of source, heading path and ordinal.")
    source: str = Field(description="Path relative to the knowledge directory, '/'-separated.")
    title: str
    heading: str = Field(description="The deepest heading above the passage ('' if none).")
    heading_path: str = Field(description="Headings joined with ' > '.")
    text: str = Field(description="The passage itself.")
    version: str | None = None
    effective: str | None = None
    superseded: bool = False

    @property
    def embed_text(self) -> str:
        """The passage with its title and heading path prepended, as embedded and indexed."""
        return contextualize(self.title, self.heading_path, self.text)

    def metadata(self) -> dict[str, str | bool]:
        """Flat metadata as stored next to the vector (no ``None``: Chroma refuses it)."""
        return {
            "source": self.source,
            "title": self.title,
            "heading": self.heading,
            "heading_path": self.heading_path,
            "version": self.version or "",
            "effective": self.effective or "",
            "superseded": self.superseded,
        }


def contextualize(title: str, heading_path: str, text: str) -> str:
    """Prepend the document title and heading path to a passage (skipping a repeated title);
    tables read as one sentence per row."""
    context = heading_path if heading_path.startswith(title) else f"{title} > {heading_path}"
    context = context.rstrip(" >") or title
    return f"{context}\n{linearize_tables(text)}"


class Citation(BaseModel):
    """Where a passage comes from, precise enough to open the document at the right place."""

    source: str
    title: str
    heading: str
    heading_path: str
    snippet: str = Field(description="The part of the passage that best matches the question.")
    score: float = Field(description="Fused retrieval score (higher is better).")


class Hit(BaseModel):
    """A retrieved passage with its scores and citation."""

    chunk_id: str
    text: str
    score: float = Field(description="Fused score after down-ranking superseded documents.")
    dense_similarity: float | None = Field(
        None, description="Cosine similarity to the question, if the dense side retrieved it."
    )
    lexical_score: float | None = Field(None, description="BM25 score, if lexical retrieved it.")
    superseded: bool = False
    citation: Citation


class SkippedFile(BaseModel):
    source: str
    reason: str


class IngestReport(BaseModel):
    """What an ingest run changed; unchanged files cost no writes."""

    added: list[str] = Field(default_factory=list)
    updated: list[str] = Field(default_factory=list)
    unchanged: list[str] = Field(default_factory=list)
    removed: list[str] = Field(default_factory=list)
    skipped: list[SkippedFile] = Field(default_factory=list)
    chunks_written: int = Field(0, description="Vectors embedded and written.")
    chunks_updated: int = Field(0, description="Chunks whose metadata alone was rewritten.")
    chunks_deleted: int = 0
    seconds: float = 0.0
    encode_seconds: float = Field(0.0, description="Time spent in the embedding model.")

    @property
    def writes(self) -> int:
        return self.chunks_written + self.chunks_updated + self.chunks_deleted


class Quote(BaseModel):
    """One unit quoted from a passage: a sentence, a list item, or a table row with its header."""

    text: str = Field(description="Markdown as shown; a table row keeps its header row.")
    table: bool = False
    chunk_id: str = Field(description="The passage quoted.")
    citation: Citation = Field(description="Where it stands; its snippet is the quote itself.")


class Answer(BaseModel):
    """An extractive answer: the sentence that answers, quoted with its source, or an honest
    'nothing found' with the closest passages."""

    question: str
    found: bool = Field(description="Anything relevant was found in the documents.")
    message: str = Field(description="One line a person can read.")
    direct: Quote | None = Field(
        None, description="The sentence or table row that answers; None if none does well enough."
    )
    supporting: list[Quote] = Field(
        default_factory=list,
        description="At most two more quotes: context for the answer, or without one the "
        "closest passages.",
    )
    change: str | None = Field(
        None, description="What changed in this rule and since when, if it has another version."
    )
    passages: list[Hit] = Field(
        default_factory=list, description="The passages quoted, each once, best first."
    )
    best_similarity: float | None = None
