"""Which of the offered options an answer picks: "2", "the second one", an id, a name."""

from __future__ import annotations

import re

_ORDINALS = {
    "first": 0, "1st": 0, "second": 1, "2nd": 1, "third": 2, "3rd": 2, "fourth": 3, "4th": 3,
    "fifth": 4, "5th": 4, "sixth": 5, "6th": 5, "seventh": 6, "7th": 6, "eighth": 7, "8th": 7,
    "ninth": 8, "9th": 8, "tenth": 9, "10th": 9,
}  # fmt: skip
_POSITION = re.compile(
    r"\b(?:the\s+)?(?:(?P<word>" + "|".join(_ORDINALS) + r"|last|latest|final)\b"
    r"|(?:no\.?|number|#)\s*(?P<number>\d{1,2})\b)",
    re.I,
)
_NOISE = {"the", "one", "a", "of", "i", "mean", "meant", "please", "it", "is", "that"}
# "the older one", "the newest": a pick by date among options that have one.
_OLDER = re.compile(r"\b(?:old|older|oldest|earlier|earliest)\b", re.I)
_NEWER = re.compile(r"\b(?:new|newer|newest|later|latest|most recent|recent)\b", re.I)


def position(text: str, count: int) -> int | None:
    """Which item of a list of ``count`` the text points at ("the 2nd one", "the last one",
    "number 3"), or None."""
    found = _POSITION.search(text)
    if found is None or count == 0:
        return None
    if found.group("number"):
        index = int(found.group("number")) - 1
    else:
        word = found.group("word").lower()
        index = count - 1 if word in ("last", "latest", "final") else _ORDINALS.get(word, 0)
    return index if 0 <= index < count else None


def choose(text: str, options: dict[str, str]) -> str | None:
    """Which of the offered options an answer picks: by number, ordinal, id or name."""
    keys = list(options)
    lowered = text.lower().strip()
    if (named := _named(lowered, options)) is not None:
        return named
    number = re.fullmatch(r"\D*(\d)\D*", lowered)
    if number and 1 <= int(number.group(1)) <= len(keys):
        return keys[int(number.group(1)) - 1]
    for word, index in _ORDINALS.items():
        if re.search(rf"\b{word}\b", lowered) and index < len(keys):
            return keys[index]
    if re.search(r"\blast\b", lowered):
        return keys[-1]
    # "the marine one": the option sharing the most words with the answer, if only one does.
    return _sharing_words(lowered, options, r"[a-z0-9]+")


def pick(text: str, options: dict[str, str], dates: dict[str, str] | None = None) -> str | None:
    """Which option a request itself settles, before anyone is asked: one it names by id,
    by a word only its label has ("cancel the pending one"), or by age ("the older one").
    Numbers and ordinals are not read here: "refund 5 on their order" picks no fifth option."""
    lowered = text.lower()
    if (named := _named(lowered, options)) is not None:
        return named
    if dates and len(dates) == len(options):
        by_age = sorted(options, key=lambda key: dates[key])
        if _OLDER.search(text):
            return by_age[0]
        if _NEWER.search(text):
            return by_age[-1]
    return _sharing_words(lowered, options, r"[a-z]+")


def _named(lowered: str, options: dict[str, str]) -> str | None:
    """The option whose id the text contains."""
    return next((key for key in options if key.lower() in lowered), None)


def _sharing_words(lowered: str, options: dict[str, str], token: str) -> str | None:
    """The one option sharing the most words (``token``) with the text, if only one does."""
    said = set(re.findall(token, lowered)) - _NOISE
    overlap = {k: len(said & set(re.findall(token, v.lower()))) for k, v in options.items()}
    best = max(overlap.values(), default=0)
    winners = [k for k, n in overlap.items() if n == best]
    return winners[0] if best and len(winners) == 1 else None
