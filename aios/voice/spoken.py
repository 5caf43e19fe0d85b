"""Spoken amounts and record ids written the way the planner reads them.

Speech arrives as words ("forty five dollars", "S O ten forty two") or as a recogniser's
guess at writing them ("S-O1042", "order 10 42"). Only what is unambiguous is rewritten: a
number said before "dollars" or after an id's prefix; any other number word stays a word.
"""

from __future__ import annotations

import re

from aios.planner.entities import ID_PREFIXES


def _counted(words: str, first: int, step: int) -> dict[str, int]:
    return {word: first + step * i for i, word in enumerate(words.split())}


_UNITS = _counted("zero one two three four five six seven eight nine", 0, 1)
_TEENS = _counted(
    "ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen", 10, 1
)
_TENS = _counted("twenty thirty forty fifty sixty seventy eighty ninety", 20, 10)
_SCALES = {"hundred": 100, "thousand": 1000}
_WORD = "|".join([*_UNITS, *_TEENS, *_TENS, *_SCALES, "oh"])
_RUN = rf"(?:{_WORD})(?:[\s-]+(?:and[\s-]+)?(?:{_WORD}))*"
# An id's prefix spelled letter by letter ("S O", "S-O", "s.o."), from the planner's prefixes.
_SPELLED = "|".join(r"[\s.-]*".join(p.lower()) for p in sorted(ID_PREFIXES, key=len, reverse=True))
_PREFIX = rf"\b(?:{_SPELLED}|order|invoice|case|account)(?:\s+number)?[\s.#-]*"

_SAID_ID = re.compile(rf"(?P<prefix>{_PREFIX})(?P<run>{_RUN})\b", re.I)
_SAID_MONEY = re.compile(
    rf"\b(?P<dollars>{_RUN})[\s-]+(?:dollars?|bucks)(?:\s+and\s+(?P<cents>{_RUN})\s+cents?)?\b",
    re.I,
)
_WRITTEN_ID = re.compile(
    rf"\b(?P<letters>{_SPELLED})[\s.#-]*(?P<digits>\d(?:[\s-]?\d){{2,6}})\b", re.I
)
_SPLIT_NUMBER = re.compile(
    r"\b(?P<word>order|invoice|case|account)\s+(?P<digits>\d{1,3}(?:[\s-]\d{1,4})+)\b", re.I
)


def _words(run: str) -> list[str]:
    return [w for w in re.split(r"[\s-]+", run.lower()) if w and w != "and"]


def cardinal(run: str) -> int | None:
    """ "one thousand two hundred and five" -> 1205; None when it is not one number."""
    total = current = 0
    for word in _words(run):
        if word in _UNITS or word in _TEENS:
            current += _UNITS.get(word, _TEENS.get(word, 0))
        elif word in _TENS:
            current += _TENS[word]
        elif word == "hundred":
            current = max(current, 1) * 100
        elif word == "thousand":
            total, current = total + max(current, 1) * 1000, 0
        else:  # "oh" is a digit of an id, never part of an amount
            return None
    return total + current


def digits(run: str) -> str:
    """An id read in groups: "ten forty two" -> "1042", "two oh three eight" -> "2038"."""
    words = _words(run)
    if any(w in _SCALES for w in words):
        return str(cardinal(run))
    out: list[str] = []
    i = 0
    while i < len(words):
        word = words[i]
        if word in _TENS:
            value = _TENS[word]
            if i + 1 < len(words) and words[i + 1] in _UNITS and words[i + 1] != "zero":
                value += _UNITS[words[i + 1]]
                i += 1
            out.append(str(value))
        elif word in _TEENS:
            out.append(str(_TEENS[word]))
        else:
            out.append(str(_UNITS.get(word, 0)))
        i += 1
    return "".join(out)


def _only_digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def _money(match: re.Match[str]) -> str:
    dollars = cardinal(match["dollars"])
    cents = cardinal(match["cents"]) if match["cents"] else 0
    if dollars is None or cents is None or cents > 99:
        return match[0]
    return f"${dollars}" + (f".{cents:02d}" if cents else "")


def _said_id(match: re.Match[str]) -> str:
    said = digits(match["run"])
    # Ids have three digits or more; "so one more thing" is no id.
    return match["prefix"] + said if len(said) >= 3 else match[0]


def _written_id(match: re.Match[str]) -> str:
    letters = re.sub(r"[^a-z]", "", match["letters"].lower()).upper()
    return f"{letters}-{_only_digits(match['digits'])}"


def normalise(text: str) -> str:
    """``text`` with spoken amounts as "$45" and spoken record ids as "SO-1042"."""
    text = _SAID_MONEY.sub(_money, text)
    text = _SAID_ID.sub(_said_id, text)
    text = _WRITTEN_ID.sub(_written_id, text)
    return _SPLIT_NUMBER.sub(lambda m: f"{m['word']} {_only_digits(m['digits'])}", text)
