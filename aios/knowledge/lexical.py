"""The lexical side: a BM25 index (bm25s) over every chunk, plus the row table retrieval needs.

bm25s indexes cannot be updated in place, so the index is rebuilt from the catalog whenever the
catalog's generation moves, and saved (with that generation) under the data directory. What
makes a rebuild cost more than bm25s's own indexing is tokenising every chunk, so each row's
tokens are kept (in memory and saved beside the index) with a digest of the text they came
from: a rebuild tokenises only the rows whose text is new. Next to the scores it keeps, per
row, the chunk id, its source and whether it is superseded: enough to filter and down-rank
candidates from either side without touching another store.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import re
import shutil
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import bm25s
import numpy as np
import numpy.typing as npt
from bm25s.stopwords import STOPWORDS_EN_PLUS

_TOKEN = re.compile(r"[^\W_]+")
_STOPWORDS = frozenset(STOPWORDS_EN_PLUS)


def tokenize(text: str) -> list[str]:
    """Lower-cased word tokens, without stop words, lightly stemmed."""
    tokens = []
    for word in _TOKEN.findall(text.lower()):
        if word in _STOPWORDS or (len(word) < 2 and not word.isdigit()):
            continue
        tokens.append(stem(word))
    return tokens


_SUFFIXES = ("ational", "ation", "ment", "ing", "edly", "ed", "er", "ly", "al", "ion")


@functools.lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """A light stemmer: plurals first (Harman's S-stemmer), then one common suffix, so that
    'approve', 'approved', 'approval' and 'approvals' all become 'approv'. Cruder than Porter,
    but a stemmer only has to be consistent between documents and questions."""
    word = _singular(word)
    if len(word) <= 4 or word.isdigit():
        return word
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            word = word[: -len(suffix)]
            break
    if len(word) > 4 and word.endswith("e"):
        word = word[:-1]
    if len(word) > 4 and word[-1] == word[-2] and word[-1] != "s":
        word = word[:-1]
    return word


def _singular(word: str) -> str:
    if len(word) <= 3 or not word.endswith("s") or word.endswith(("ss", "us", "is")):
        return word
    if word.endswith("ies") and not word.endswith(("eies", "aies")):
        return word[:-3] + "y"
    if word.endswith("es") and not word.endswith(("aes", "ees", "oes")):
        return word[:-1]
    return word[:-1]


@dataclass(frozen=True)
class LexicalRow:
    id: str
    source: str
    superseded: bool
    text: str


Terms = dict[str, tuple[str, list[str]]]
"""Chunk id → (digest of the text it was tokenised from, its tokens)."""

_TERMS_FILE = "terms.npz"
TOKENIZER_VERSION = 1
"""Bump when :func:`tokenize` changes its output: every cached token list is then stale."""


def _digest(text: str) -> str:
    salted = f"{TOKENIZER_VERSION}\x1f{text}".encode()
    return hashlib.blake2b(salted, digest_size=16).hexdigest()


class LexicalIndex:
    """BM25 over a fixed list of rows; build a new one when the rows change."""

    def __init__(
        self,
        ids: list[str],
        sources: list[str],
        superseded: npt.NDArray[np.bool_],
        bm25: bm25s.BM25 | None,
        generation: int,
        *,
        terms: Terms | None = None,
        directory: Path | None = None,
        tokenized: int = 0,
    ) -> None:
        self.ids = ids
        self.sources = sources
        self.superseded = superseded
        self.generation = generation
        self._bm25 = bm25
        self._terms = terms
        self._directory = directory  # where a loaded index's terms are, read only if needed
        self.tokenized = tokenized
        """Rows tokenised when this index was built; the others reused their cached tokens."""
        self._row_of = {chunk_id: row for row, chunk_id in enumerate(ids)}
        self.source_names = sorted(set(sources))
        index_of = {name: i for i, name in enumerate(self.source_names)}
        self._source_index = np.array([index_of[s] for s in sources], dtype=np.int32)

    def __len__(self) -> int:
        return len(self.ids)

    @classmethod
    def build(
        cls, rows: Iterable[LexicalRow], generation: int, previous: Terms | None = None
    ) -> LexicalIndex:
        """Index ``rows``, reusing the tokens in ``previous`` of every row whose text they
        were made from (an earlier index's :meth:`terms`)."""
        previous = previous or {}
        ids: list[str] = []
        sources: list[str] = []
        flags: list[bool] = []
        terms: Terms = {}
        tokenized = 0
        for row in rows:
            ids.append(row.id)
            sources.append(row.source)
            flags.append(row.superseded)
            digest = _digest(row.text)
            cached = previous.get(row.id)
            if cached is None or cached[0] != digest:
                cached = (digest, tokenize(row.text))
                tokenized += 1
            terms[row.id] = cached
        bm25 = None
        if ids:
            bm25 = bm25s.BM25()
            # bm25s wants at least one token per document; "" matches no query token.
            bm25.index([terms[i][1] or [""] for i in ids], show_progress=False)
        flags_array = np.array(flags, dtype=np.bool_)
        return cls(ids, sources, flags_array, bm25, generation, terms=terms, tokenized=tokenized)

    def terms(self) -> Terms:
        """Every row's tokens with the digest of their text, for the next :meth:`build`."""
        if self._terms is None:
            self._terms = _load_terms(self._directory) if self._directory else {}
        return self._terms

    def row(self, chunk_id: str) -> int | None:
        return self._row_of.get(chunk_id)

    def source_mask(self, prefix: str) -> npt.NDArray[np.bool_]:
        """Rows whose source starts with ``prefix``."""
        wanted = [i for i, name in enumerate(self.source_names) if name.startswith(prefix)]
        return np.isin(self._source_index, np.array(wanted, dtype=np.int32))

    def search(
        self, query: str, k: int, mask: npt.NDArray[np.bool_] | None = None
    ) -> list[tuple[int, float]]:
        """The top ``k`` rows with a positive BM25 score, best first, as (row, score)."""
        if self._bm25 is None or k <= 0:
            return []
        tokens = [t for t in tokenize(query) if t in self._bm25.vocab_dict]
        if not tokens:
            return []
        scores = self._bm25.get_scores(tokens)
        if mask is not None:
            scores = np.where(mask, scores, 0.0)
        k = min(k, len(scores))
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top], kind="stable")]
        return [(int(row), float(scores[row])) for row in top if scores[row] > 0]

    def save(self, directory: Path) -> None:
        """Write the index to ``directory`` atomically (readers never see half an index)."""
        staging = directory.with_name(f"{directory.name}.tmp-{os.getpid()}")
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir(parents=True)
        if self._bm25 is not None:
            self._bm25.save(str(staging / "bm25"), show_progress=False)
        rows = {"ids": self.ids, "sources": self.sources, "superseded": self.superseded.tolist()}
        (staging / "rows.json").write_text(json.dumps(rows))
        _save_terms(staging / _TERMS_FILE, self.terms())
        (staging / "generation").write_text(str(self.generation))
        retired = directory.with_name(f"{directory.name}.old-{os.getpid()}")
        if directory.exists():
            directory.rename(retired)
        staging.rename(directory)
        shutil.rmtree(retired, ignore_errors=True)

    @classmethod
    def load(cls, directory: Path) -> LexicalIndex | None:
        """The saved index, or ``None`` if there is none (or it is unreadable)."""
        try:
            generation = int((directory / "generation").read_text())
            rows = json.loads((directory / "rows.json").read_text())
            bm25 = None
            if (directory / "bm25").exists():
                bm25 = bm25s.BM25.load(str(directory / "bm25"), show_progress=False)
        except (OSError, ValueError, KeyError):
            return None
        flags = np.array(rows["superseded"], dtype=np.bool_)
        return cls(rows["ids"], rows["sources"], flags, bm25, generation, directory=directory)

    @staticmethod
    def saved_generation(directory: Path) -> int | None:
        try:
            return int((directory / "generation").read_text())
        except (OSError, ValueError):
            return None


def _save_terms(path: Path, terms: Terms) -> None:
    """Tokens as indices into one vocabulary, in flat arrays: far smaller than token lists."""
    vocabulary = sorted({token for _, tokens in terms.values() for token in tokens})
    number = {token: i for i, token in enumerate(vocabulary)}
    flat = [number[token] for _, tokens in terms.values() for token in tokens]
    lengths = [len(tokens) for _, tokens in terms.values()]
    np.savez(
        path,
        ids=np.array(list(terms), dtype=np.bytes_),
        digests=np.array([digest for digest, _ in terms.values()], dtype=np.bytes_),
        lengths=np.array(lengths, dtype=np.int64),
        flat=np.array(flat, dtype=np.int32),
        vocabulary=np.array("\n".join(vocabulary)),
    )


def _load_terms(directory: Path) -> Terms:
    """The saved terms, or none if they are missing or unreadable (rows are then tokenised)."""
    try:
        with np.load(directory / _TERMS_FILE, allow_pickle=False) as saved:
            vocabulary = str(saved["vocabulary"]).split("\n")
            ends = np.cumsum(saved["lengths"]).tolist()
            flat = saved["flat"].tolist()
            ids, digests = saved["ids"].tolist(), saved["digests"].tolist()
    except (OSError, ValueError, KeyError):
        return {}
    terms: Terms = {}
    start = 0
    for chunk_id, digest, end in zip(ids, digests, ends, strict=True):
        terms[chunk_id.decode()] = (digest.decode(), [vocabulary[i] for i in flat[start:end]])
        start = end
    return terms
