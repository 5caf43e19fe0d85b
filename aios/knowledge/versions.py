"""What changed: when an answer's rule has another version, say how it differs and since when.

An answer from the current document of a pair ("90 days", Refund Policy v2) says what the
older version said ("60 days", v1) and from when the new one applies, in the current
document's own words where it lists its changes ("The refund window grew from 60 to 90 days
after delivery") — only the change that concerns the answer, never the whole list. An answer
from a superseded document (a question about the rules of 2025) says that they no longer
apply, and what applies instead.
"""

from __future__ import annotations

from dataclasses import dataclass

from aios.knowledge.cues import figures
from aios.knowledge.models import Chunk
from aios.knowledge.ranking import CHANGE_HEADING, Passage, UnitRanker
from aios.knowledge.retriever import Retriever
from aios.knowledge.supersession import neighbours
from aios.knowledge.units import Unit, split_units


@dataclass(frozen=True)
class VersionConfig:
    same_rule: float = 0.55
    """Cosine similarity from which the other version's sentence is taken to state the same
    rule as the answer (below it, the versions are not compared)."""
    change_item: float = 0.5
    """Cosine similarity from which an item of a change list is taken to concern the answer."""


class Versions:
    def __init__(
        self, retriever: Retriever, ranker: UnitRanker, config: VersionConfig | None = None
    ) -> None:
        self.retriever = retriever
        self.catalog = retriever.index.catalog
        self.ranker = ranker
        self.config = config or VersionConfig()

    def note(self, question: str, answer: Unit, source: str, heading_path: str) -> str | None:
        """What changed about ``answer`` (quoted from ``source``), or ``None`` if nothing did
        or its document has no other version."""
        if CHANGE_HEADING.search(heading_path):
            return None  # the answer is itself a statement of what changed
        older, newer = neighbours(source, self.catalog.files().values())
        if newer is not None:
            return self._replaced(question, source, newer)
        if older is not None:
            return self._changed(question, answer, source, older)
        return None

    def _replaced(self, question: str, source: str, newer: str) -> str | None:
        old, new = self.catalog.chunks_of(source), self.catalog.chunks_of(newer)
        if not old or not new:
            return None
        since = new[0].effective or "its effective date"
        head = (
            f"**No longer in force:** {old[0].title} applied until {since}, "
            f"when {new[0].title} replaced it."
        )
        best = self._best(question, newer)
        if best is None:
            return head
        return f"{head} Now: “{best.unit.plain}” ({best.where})"

    def _changed(self, question: str, answer: Unit, source: str, older: str) -> str | None:
        current, previous = self.catalog.chunks_of(source), self.catalog.chunks_of(older)
        if not current or not previous:
            return None
        item = self._change_item(answer, current)
        before = self._best(question, older)
        if before is not None and not self._differs(answer, before.unit):
            before = None
        if item is None and before is None:
            return None
        since = current[0].effective or "its effective date"
        parts = [f"**Changed on {since}**, when {current[0].title} replaced {previous[0].title}"]
        parts.append(f": {item}" if item else ".")
        if before is not None:
            parts.append(f" Before: “{before.unit.plain}” ({before.where})")
        return "".join(parts)

    def _change_item(self, answer: Unit, chunks: list[Chunk]) -> str | None:
        """The item of the document's change list that concerns ``answer``, if one does."""
        items = [
            unit.plain
            for chunk in chunks
            if CHANGE_HEADING.search(chunk.heading_path)
            for unit in split_units(chunk.text)
        ]
        if not items:
            return None
        vectors = self.ranker.encode([answer.plain, *items])
        similarities = vectors[1:] @ vectors[0]
        best = int(similarities.argmax())
        return items[best] if similarities[best] >= self.config.change_item else None

    def _best(self, question: str, source: str) -> _Quoted | None:
        """The unit of ``source`` that best answers ``question``, and where it stands."""
        hits = self.retriever.search(question, 2, source_prefix=source)
        kept = [h for h in hits if not CHANGE_HEADING.search(h.citation.heading_path)]
        passages = [Passage(h.text, h.citation.heading, h.citation.heading_path) for h in kept]
        ranked = self.ranker.rank(question, passages)
        if not ranked:
            return None
        cite = kept[ranked[0].passage].citation
        where = f"{cite.title} \u203a {cite.heading}" if cite.heading else cite.title
        return _Quoted(ranked[0].unit, f"{where}, {cite.source}")

    def _differs(self, answer: Unit, other: Unit) -> bool:
        """Whether ``other`` states the same rule as ``answer`` with other figures."""
        mine, theirs = figures(answer.plain), figures(other.plain)
        if not theirs or mine == theirs:
            return False
        return self.ranker.similarity(answer.plain, other.plain) >= self.config.same_rule


@dataclass(frozen=True)
class _Quoted:
    unit: Unit
    where: str
