"""Which of the offered options an answer picks: "2", "the second one", an id, a name."""

from __future__ import annotations

import re

_ORDINALS = {"first": 0, "1st": 0, "second": 1, "2nd": 1, "third": 2, "3rd": 2, "fourth": 3}
_NOISE = {"the", "one", "a", "of", "i", "mean", "meant", "please", "it", "is", "that"}


def choose(text: str, options: dict[str, str]) -> str | None:
    """Which of the offered options an answer picks: by number, ordinal, id or name."""
    keys = list(options)
    lowered = text.lower().strip()
    for key in keys:
        if key.lower() in lowered:
            return key
    number = re.fullmatch(r"\D*(\d)\D*", lowered)
    if number and 1 <= int(number.group(1)) <= len(keys):
        return keys[int(number.group(1)) - 1]
    for word, index in _ORDINALS.items():
        if re.search(rf"\b{word}\b", lowered) and index < len(keys):
            return keys[index]
    if re.search(r"\blast\b", lowered):
        return keys[-1]
    # "the marine one": the option sharing the most words with the answer, if only one does.
    said = set(re.findall(r"[a-z0-9]+", lowered)) - _NOISE
    overlap = {k: len(said & set(re.findall(r"[a-z0-9]+", v.lower()))) for k, v in options.items()}
    best = max(overlap.values())
    winners = [k for k, n in overlap.items() if n == best]
    return winners[0] if best and len(winners) == 1 else None
