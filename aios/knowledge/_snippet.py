"""Picking the part of a passage that best matches a question, for a citation's snippet."""

from __future__ import annotations

import re

from aios.knowledge.lexical import tokenize

_SENTENCES = re.compile(r"(?<=[.!?])\s+|\n+")


def best_snippet(text: str, question: str, limit: int = 280) -> str:
    """The sentence sharing most words with the question, grown with its neighbours to about
    ``limit`` characters; the passage's start if nothing overlaps."""
    sentences = [s.strip() for s in _SENTENCES.split(text) if s.strip()]
    if not sentences:
        return ""
    wanted = set(tokenize(question))
    overlaps = [len(wanted & set(tokenize(s))) for s in sentences]
    best = max(range(len(sentences)), key=lambda i: (overlaps[i], -i)) if wanted else 0
    start, end = best, best + 1
    while end < len(sentences) and len(" ".join(sentences[start : end + 1])) <= limit:
        end += 1
    while start > 0 and len(" ".join(sentences[start - 1 : end])) <= limit:
        start -= 1
    snippet = " ".join(sentences[start:end])
    return snippet if len(snippet) <= limit else snippet[: limit - 1].rstrip() + "…"
