"""Query expansion from a domain vocabulary: "money back" also searches for "refund".

BM25 only matches the words a question shares with a passage, and operators rarely use the
documents' words ("send the goods back" for a return, "sign off" for an approval). The
vocabulary (``vocabulary.yaml``, data, not code) maps each document term to such phrases; a
question containing a phrase gets the term appended to its lexical query. The dense side needs
no help with paraphrases and is left alone.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml
from pydantic import RootModel

from aios.knowledge.lexical import stem

DEFAULT_VOCABULARY = Path(__file__).with_name("vocabulary.yaml")
_WORD = re.compile(r"[^\W_]+")
MAX_GAP = 3
"""Words allowed between two words of a phrase."""


class Vocabulary(RootModel[dict[str, list[str]]]):
    """Document term → the phrases that mean it."""

    @classmethod
    def load(cls, path: Path = DEFAULT_VOCABULARY) -> Vocabulary:
        return cls.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")) or {})


def _words(text: str) -> tuple[str, ...]:
    """Stemmed words, stop words kept (they carry phrases like "take over")."""
    return tuple(stem(word) for word in _WORD.findall(text.lower().replace("%", " percent ")))


class QueryExpander:
    def __init__(self, vocabulary: Vocabulary | None = None) -> None:
        vocabulary = vocabulary or Vocabulary.load()
        self._phrases: list[tuple[tuple[str, ...], str]] = [
            (words, term)
            for term, phrases in vocabulary.root.items()
            for words in map(_words, phrases)
            if words
        ]

    def expand(self, question: str) -> str:
        """``question`` followed by the terms of every phrase it contains (each term once)."""
        words = _words(question)
        terms: list[str] = []
        for phrase, term in self._phrases:
            if term not in terms and _contains(words, phrase):
                terms.append(term)
        return " ".join([question, *terms])


def _contains(words: tuple[str, ...], phrase: tuple[str, ...]) -> bool:
    """Whether ``phrase`` occurs in ``words`` in order, with at most ``MAX_GAP`` other words
    between its words: English splits phrasal verbs ("give the customer $45 back")."""
    for start, word in enumerate(words):
        if word != phrase[0]:
            continue
        position = start
        for part in phrase[1:]:
            window = words[position + 1 : position + 2 + MAX_GAP]
            if part not in window:
                break
            position += 1 + window.index(part)
        else:
            return True
    return False
