"""Which turns say something about the planner, and which are noise.

Only a real signal makes a candidate: a plan the person turned down and then asked again in
other words, a message taken back ("no, I meant …") by one that worked, or a message nothing
matched followed by a request the person confirmed. Gibberish ("asdf qwerty") is about
nothing, and a follow-up ("actually, also the invoice") adds to what was asked rather than
taking it back: neither teaches anything.
"""

from __future__ import annotations

import re
from collections.abc import Collection

from aios.learning.models import RunReport

_WORD = re.compile(r"[a-z]+")
_ADDS = re.compile(
    r"\b(?:also|too|as well|another|one more|what about|how about|and then|next|now)\b"
    r"|^\W*\w+[\s,]+and\b",  # "sorry, and their open cases?"
    re.I,
)


def said_in_words(text: str, vocabulary: Collection[str]) -> bool:
    """Whether most words of ``text`` are words at all; without a ``vocabulary`` (a store
    opened without the embedding model's), any text with a word in it counts."""
    words = [w for w in _WORD.findall(text.lower()) if len(w) > 1]
    if not words:
        return False
    if not vocabulary:
        return True
    return 2 * sum(w in vocabulary for w in words) >= len(words)


def adds_to(text: str) -> bool:
    """Whether ``text`` asks for something more rather than something else."""
    return _ADDS.search(text) is not None


def confirmed_by_requester(report: RunReport) -> bool:
    """Whether this run carried out a plan the person said yes to."""
    return report.answer == "approve" and report.by_requester
