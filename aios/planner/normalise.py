"""Text as operators type it, made readable before anything else looks at it.

Slang becomes plain words ("nuke SO-1172" -> "cancel SO-1172", ``aios.planner.slang``), number
words become digits ("seventy five dollars" -> "75 dollars", "a hundred bucks" ->
"100 bucks") and misspelt words are corrected against the domain's own lexicon ("invioces" ->
"invoices", "tidewatr" -> "tidewater"): the skills' words and the customers' names. A word is
left alone when it is an English word the embedding model knows, is short, or is capitalised
(a proper noun: a street, a person; customers' names are matched fuzzily later anyway): a
correction must never turn a right word into a wrong one.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from rapidfuzz import fuzz, process

from aios.planner.slang import plain

_UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19,
}  # fmt: skip
_TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fourty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90,
}  # fmt: skip
_SCALES = {"hundred": 100, "thousand": 1000, "grand": 1000}
_NUMBER_WORD = "|".join([*_UNITS, *_TENS, *_SCALES, "a", "and"])
_NUMBER_RUN = re.compile(rf"\b(?:(?:{_NUMBER_WORD})[\s-]+)*(?:{_NUMBER_WORD})\b", re.I)
_TOKEN = re.compile(r"[A-Za-z][A-Za-z'\u2019]*[A-Za-z]|[A-Za-z]")
# Addresses, e-mails and links are data: their words are never "corrected".
_DATA = re.compile(r"\S+@\S+|\bhttps?://\S+|\bwww\.\S+")
MIN_LENGTH = 4
SIMILARITY = 80.0


# "two and a half thousand", "1 and a half k": the half of a scale.
_AND_A_HALF = re.compile(r"\b(\w+)\s+and\s+a\s+half\s+(thousand|grand|k|hundred)\b", re.I)


def number_words(text: str) -> str:
    """``text`` with spelt-out amounts as digits; "one" alone stays ("the second one")."""
    return _NUMBER_RUN.sub(_as_digits, _AND_A_HALF.sub(_with_half, text))


def _with_half(match: re.Match[str]) -> str:
    word = match.group(1).lower()
    count = int(word) if word.isdigit() else _UNITS.get(word, _TENS.get(word))
    if count is None:
        return match.group(0)
    scale = 100 if match.group(2).lower() == "hundred" else 1000
    return str(count * scale + scale // 2)


def _as_digits(match: re.Match[str]) -> str:
    words = [w.lower() for w in re.split(r"[\s-]+", match.group(0)) if w]
    # Leading "a"/"and" and trailing "and"/"a" are ordinary words, not part of the number.
    start, end = 0, len(words)
    while start < end and words[start] == "and":
        start += 1
    while end > start and words[end - 1] in ("and", "a"):
        end -= 1
    core = words[start:end]
    value = _value(core)
    if value is None:
        return match.group(0)
    lead = " ".join(match.group(0).split()[:start])
    tail = " ".join(match.group(0).split()[end:])
    return " ".join(part for part in (lead, str(value), tail) if part)


def _value(words: list[str]) -> int | None:
    """The number ``words`` spell, or None when they are not one (or only "one"/"a")."""
    if not words or words in (["one"], ["a"]) or all(w in ("a", "and") for w in words):
        return None
    if words[0] == "a" and (len(words) < 2 or words[1] not in _SCALES):
        return None
    total = current = 0
    seen = False
    for word in words:
        if word == "and":
            continue
        if word == "a":
            current += 1
        elif word in _UNITS:
            current += _UNITS[word]
        elif word in _TENS:
            current += _TENS[word]
        elif word == "hundred":
            current = max(current, 1) * 100
        else:  # thousand, grand
            total += max(current, 1) * _SCALES[word]
            current = 0
        seen = True
    return total + current if seen else None


class Normaliser:
    """Corrects misspelt words against a lexicon, leaving known English words alone."""

    def __init__(self, lexicon: Iterable[str], known: Iterable[str] = ()) -> None:
        self.lexicon = sorted({w.lower() for w in lexicon if len(w) >= MIN_LENGTH})
        self.known = {w.lower() for w in known} | set(self.lexicon)

    def needs(self, text: str) -> str:
        """ "X needs Ying …" said as the request "Y X …", when Y is a verb of the skills."""
        match = _NEEDS.match(text.strip())
        if match is None:
            return text
        word, ending = (match["done"], "ed") if match["done"] else (match["doing"], "ing")
        verb = next((s for s in _stems(word.lower(), ending) if s in self.lexicon), None)
        if verb is None:
            return text
        return f"{verb} {match['what'].strip()}{match['rest']}"

    def normalise(self, text: str, names: Iterable[str] = ()) -> str:
        """``text`` with number words as digits and typos corrected; ``names`` are the
        customers' names, which count as words of the lexicon."""
        extra = self._name_words(names)
        text = self.needs(number_words(plain(text)))

        def fix(match: re.Match[str]) -> str:
            word = match.group(0)
            return self._corrected(word, extra) or word

        parts = _DATA.split(text)
        data = _DATA.findall(text)
        fixed = [_TOKEN.sub(fix, part) for part in parts]
        return "".join(p + (data[i] if i < len(data) else "") for i, p in enumerate(fixed))

    def strange(self, text: str, names: Iterable[str] = ()) -> set[str]:
        """The words of ``text`` typed in lower case that are neither English the model knows
        nor the domain's, nor a typo of either: most likely names ("refund initech 40")."""
        extra = self._name_words(names)
        # "aren't", "who's" are words; "initech's" is initech's.
        return {
            word
            for part in _DATA.split(text)
            for word in (re.split(r"['\u2019]", token)[0] for token in _TOKEN.findall(part))
            if word.islower()
            and len(word) >= MIN_LENGTH
            and word not in self.known
            and word not in extra
            and self._corrected(word, extra) is None
            and not _form_of(word, self.known)
        }

    def _name_words(self, names: Iterable[str]) -> list[str]:
        return sorted({w.lower() for n in names for w in _TOKEN.findall(n)} - self.known)

    def _corrected(self, word: str, extra: list[str]) -> str | None:
        """The lexicon's word ``word`` is a typo of, or None when it is none's."""
        lowered = word.lower()
        if len(word) < MIN_LENGTH or word[0].isupper() or lowered in self.known or lowered in extra:
            return None
        best = process.extractOne(
            lowered, [*self.lexicon, *extra], scorer=fuzz.ratio, score_cutoff=SIMILARITY
        )
        if best is None or _inflected(lowered, str(best[0]), self.known):
            return None
        return str(best[0])


# "SO-1123 needs rerouting to …", "INV-2038 needs to be refunded": the record first, the verb
# after it. Only when nothing but a preposition, an id, an amount or the end follows the verb:
# "the customer needs shipping info" names a thing, not a change.
_NEEDS = re.compile(
    r"^(?P<what>(?:(?!\b(?:i|we|you|they|he|she)\b)[^.?!,;:]){1,60}?)\s+"
    r"(?:needs|need|needed|wants|want)\s+(?:to\s+be\s+(?P<done>[a-z]+ed)|(?P<doing>[a-z]+ing))\b"
    r"(?P<rest>\s*(?:$|[.?!,;:$£€\d]|(?:to|on|about|for|by|from|asap|please|now|today)\b|"
    r"[A-Z]{2,4}-\d).*)",
    re.I | re.S,
)


def _stems(word: str, ending: str) -> list[str]:
    """What ``word`` may be the -ing/-ed form of: "rerouting" -> "reroute", "rerout";
    "cancelled" -> "cancelle", "cancell", "cancel"."""
    base = word[: -len(ending)]
    return [base + "e", base, base[:-1], word[:-1]]


_ENDINGS = ("s", "es", "ed", "d", "ing", "er", "ers", "ly", "able", "ible", "ment", "ness", "ation")


def _inflected(word: str, candidate: str, known: set[str]) -> bool:
    """Whether ``word`` is a form of a known word ("scanners", "escalated") rather than a typo."""
    return _form_of(word, known) or word.startswith(candidate) or candidate.startswith(word)


def _form_of(word: str, known: set[str]) -> bool:
    """Whether ``word`` is a known word with an ending: "scanners", "cancellable", "usable"."""
    for ending in _ENDINGS:
        if not word.endswith(ending):
            continue
        stem = word[: -len(ending)]
        doubled = len(stem) > 2 and stem[-1] == stem[-2]
        if stem in known or stem + "e" in known or (doubled and stem[:-1] in known):
            return True
    return False


def lexicon_of(texts: Iterable[str]) -> set[str]:
    """The words of ``texts`` (skill examples, descriptions): the domain's vocabulary."""
    return {w.lower() for text in texts for w in _TOKEN.findall(text)}
