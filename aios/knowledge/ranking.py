"""Ranking the units of a few passages against a question: which sentence answers it.

A unit's score adds up its meaning's closeness to the question (sentence embeddings), the
question's words it shares (with its heading), whether it states the kind of fact the question
asks for (``cues``), and how well its passage was retrieved. Units under a heading about what
changed ("Changes from v1") answer a question about the rule only when the question asks what
changed: otherwise the rule itself, stated where it is in force, is the answer.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from aios.knowledge.cues import Wants, asked_amounts, band_fit, states, wanted
from aios.knowledge.embedder import Embedder, Vectors
from aios.knowledge.lexical import tokenize
from aios.knowledge.tables import cells
from aios.knowledge.units import Unit, split_units

CHANGE_HEADING = re.compile(
    r"\bchanges (?:from|since|in)\b|\bwhat(?:'s| has)? changed\b|\bwhy\b.*\bchanged\b"
    r"|\brevision\b|\bwhat's new\b",
    re.IGNORECASE,
)
"""Headings of the parts of a document that say how it differs from an older version."""
_ASKS_ABOUT_CHANGE = re.compile(
    r"chang|differ|\bnew\b|\bold\b|previous|used to|before|revis|\bwhy\b|compared", re.IGNORECASE
)


@dataclass(frozen=True)
class Weights:
    """Tuned on the dev half of the labelled answers (``aios bench answers``)."""

    similarity: float = 0.5
    overlap: float = 0.15
    cue: float = 0.15
    passage: float = 0.4
    order: float = 0.02
    """Taken off per place a unit's passage stands below the best one."""
    row_key: float = 0.1
    """Given to a table row whose first cell the question names ("level 1", "void")."""
    band: float = 0.1
    """Given to a unit stating a band ("$500.01 to $5,000.00") that an amount the question
    names falls in; taken off one whose bands it falls outside of."""
    aside: float = 0.1
    """Taken off units under a what-changed heading when the question does not ask that."""
    sibling: float = 0.1
    """Taken off a unit that names another row of a table the question picks a row of
    ("gold" when it asks about bronze), without naming the row asked about."""


@dataclass(frozen=True)
class Passage:
    """Text to rank the units of, with its heading and how well it was retrieved (0..1)."""

    text: str
    heading: str
    heading_path: str
    weight: float = 1.0


@dataclass(frozen=True)
class Scored:
    unit: Unit
    passage: int
    """Index of the unit's passage in the list ranked."""
    score: float
    similarity: float
    aside: bool
    """Under a what-changed heading."""


class UnitRanker:
    def __init__(
        self, embedder: Embedder, weights: Weights | None = None, cache_size: int = 4096
    ) -> None:
        self.embedder = embedder
        self.weights = weights or Weights()
        self._cache: OrderedDict[str, Vectors] = OrderedDict()
        self._cache_size = cache_size
        self._lock = threading.Lock()

    def rank(self, question: str, passages: Sequence[Passage]) -> list[Scored]:
        """Every unit of ``passages``, best answer to ``question`` first."""
        found = [(i, unit) for i, p in enumerate(passages) for unit in split_units(p.text)]
        if not found:
            return []
        wants = wanted(question)
        amounts = asked_amounts(question)
        words = set(tokenize(question))
        change_question = bool(_ASKS_ABOUT_CHANGE.search(question))
        units = [unit for _, unit in found]
        named, siblings = _rows_named(words, units)
        best_rows = _best_rows(words, units)
        texts = [self._context(passages[i], unit) for i, unit in found]
        token_sets = [set(tokenize(text)) for text in texts]
        vectors = self.encode([question, *texts])
        similarities = vectors[1:] @ vectors[0]
        w = self.weights
        scored: list[Scored] = []
        for (index, unit), tokens, similarity in zip(found, token_sets, similarities, strict=True):
            passage = passages[index]
            overlap = len(words & tokens) / len(words) if words else 0.0
            other_row = bool(tokens & siblings) and not tokens & named
            aside = bool(CHANGE_HEADING.search(passage.heading_path))
            score = (
                w.similarity * float(similarity)
                + w.overlap * overlap
                + w.cue * float(wants is not Wants.ANY and states(wants, unit.plain))
                + w.band * max((band_fit(a, pct, unit.plain) for a, pct in amounts), default=0)
                + w.passage * passage.weight
                - w.order * index
                + w.row_key * float(unit.text in best_rows)
                - (w.aside if aside and not change_question else 0.0)
                - w.sibling * float(other_row)
            )
            scored.append(Scored(unit, index, round(score, 6), float(similarity), aside))
        return sorted(scored, key=lambda s: s.score, reverse=True)

    def similarity(self, a: str, b: str) -> float:
        first, second = self.encode([a, b])
        return float(first @ second)

    def encode(self, texts: Sequence[str]) -> Vectors:
        """Vectors of ``texts``; units recur across questions, so their vectors are kept."""
        with self._lock:
            known = {t: self._cache[t] for t in texts if t in self._cache}
        missing = [t for t in dict.fromkeys(texts) if t not in known]
        if missing:
            known.update(zip(missing, self.embedder.encode(missing), strict=True))
        with self._lock:
            for text, vector in known.items():
                self._cache[text] = vector
                self._cache.move_to_end(text)
            while len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)
        return np.stack([known[t] for t in texts])

    @staticmethod
    def _context(passage: Passage, unit: Unit) -> str:
        return f"{passage.heading}: {unit.plain}" if passage.heading else unit.plain


def _best_rows(words: set[str], units: list[Unit]) -> set[str]:
    """Of each compared table, the rows whose cells share the most words with the question
    (beyond their header's): the row it asks about, by any of its cells."""
    tables: dict[str, list[tuple[int, str]]] = {}
    for unit in units:
        if unit.table:
            header, _, row = unit.text.split("\n")
            shared = len(words & (set(tokenize(row)) - set(tokenize(header))))
            tables.setdefault(header, []).append((shared, unit.text))
    best: set[str] = set()
    for rows in tables.values():
        most = max(shared for shared, _ in rows)
        best |= {text for shared, text in rows if shared == most and most > 0}
    return best


def _rows_named(words: set[str], units: list[Unit]) -> tuple[set[str], set[str]]:
    """The row keys of the compared tables that the question names, and the keys of their
    sibling rows: a table's first column is a set of alternatives (tiers, statuses)."""
    tables: dict[str, list[set[str]]] = {}
    for unit in units:
        if unit.table:
            tables.setdefault(unit.text.split("\n")[0], []).append(_row_key(unit))
    named: set[str] = set()
    siblings: set[str] = set()
    for keys in tables.values():
        asked = set().union(*(key for key in keys if key & words))
        if asked:
            named |= asked
            siblings |= set().union(*keys) - asked
    return named, siblings


def _row_key(unit: Unit) -> set[str]:
    """The words of a table row's first cell that its header does not also have."""
    header, _, row = unit.text.split("\n")
    return set(tokenize(cells(row)[0])) - set(tokenize(header))
