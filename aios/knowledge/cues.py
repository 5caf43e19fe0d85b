"""What kind of fact a question asks for, and whether a sentence states one.

"How many days do we have to refund a delivery?" wants a duration; of the sentences that
match its words, the one that says "90 days" answers it and the one that explains how the
delivery date is recorded does not. The cues are read off the question's words; the facts
off the candidate's (numbers with their units, money, percentages, dates, roles).
"""

from __future__ import annotations

import re
from enum import StrEnum


class Wants(StrEnum):
    DURATION = "duration"
    ROLE = "role"
    AMOUNT = "amount"
    DATE = "date"
    NUMBER = "number"
    ANY = "any"


_UNITS = r"(?:business |calendar |working )?(?:days?|hours?|h|weeks?|months?|years?|minutes?)"
_NUMBER_WORDS = r"(?:one|two|three|four|five|six|seven|ten|fourteen|thirty|sixty|ninety)"
_FACTS: dict[Wants, re.Pattern[str]] = {
    Wants.DURATION: re.compile(
        rf"\b(?:\d+(?:[\u2013-]\d+)?|{_NUMBER_WORDS})[ -]{_UNITS}\b|\bnet \d+\b"
        r"|\bsame (?:working )?day\b"
        r"|\b(?:a|one) (?:full )?(?:week|month|year)\b|\b(?:every|once a|each) "
        r"(?:day|week|month|quarter|year)\b|\b(?:weekly|monthly|quarterly|annually|yearly)\b",
        re.IGNORECASE,
    ),
    # "price_usd: 84.00" is how a price list's row states a price.
    Wants.AMOUNT: re.compile(
        r"\$\s?\d|\b\d+(?:\.\d+)?\s?%|\bUSD\b|\bpercent\b"
        r"|\b(?:price|cost|fee|charge|amount)\w*: \d",
        re.IGNORECASE,
    ),
    Wants.DATE: re.compile(
        r"\b\d{4}-\d{2}-\d{2}\b|\b\d{1,2}:\d{2}\b|\b(?:January|February|March|April|May|June|"
        r"July|August|September|October|November|December)\b|\b(?:Mon|Tues|Wednes|Thurs|Fri|"
        r"Satur|Sun)day\b|\b(?:after|before|once|until|when|from|on) (?:the |its |an? )?"
        r"\w+(?:ing|ed)?\b",
        re.IGNORECASE,
    ),
    Wants.ROLE: re.compile(
        r"\b(?:agents?|senior[ _]agents?|finance|managers?|VP of Sales|auditors?|admins?|"
        r"Credit Control|Finance Controller|collections team|team leads?|account owner|"
        r"Privacy Office|Internal Audit|dispatch|operations|Sales Operations|approver|"
        r"owner|nobody|no one|second person)\b",
        re.IGNORECASE,
    ),
    Wants.NUMBER: re.compile(r"\b\d+(?:[.,]\d+)?\b|\b" + _NUMBER_WORDS + r"\b", re.IGNORECASE),
}

# Checked in order: "how many days" is a duration before it is a number.
_CUES: list[tuple[Wants, re.Pattern[str]]] = [
    (
        Wants.DURATION,
        re.compile(
            r"\bhow (?:many|much) (?:more )?(?:business |calendar |working )?(?:days|hours|weeks|"
            r"months|years|time|notice)\b|\bhow (?:long|soon|quickly|fast|often)\b|\bwindow\b"
            r"|\bdeadline\b|\bsla\b|\bterms?\b|\bwithin how\b|\bhow overdue\b|\bdue\b",
            re.IGNORECASE,
        ),
    ),
    (
        Wants.ROLE,
        re.compile(
            r"^\s*who\b|\bwho (?:has|needs|must|may|can|should|signs|approves|decides|handles|"
            r"leads|pays|updates|lets|is|do|does)\b|\bwhich role\b|\bwhose\b|\bsign(?:s)? off\b"
            r"|\bwho\b",
            re.IGNORECASE,
        ),
    ),
    (
        Wants.AMOUNT,
        re.compile(
            r"\bhow much\b|\blimit\b|\bthreshold\b|\bmaximum\b|\bminimum\b|\bhighest\b|\blowest\b"
            r"|\bcost\b|\bprice\b|\bcharge\b|\bfee\b|\bwhat percent|\bdiscount\b|\bfree shipping\b"
            r"|\bstarting credit\b|\brevenue\b",
            re.IGNORECASE,
        ),
    ),
    (
        Wants.DATE,
        re.compile(
            r"^\s*when\b|\bby when\b|\bwhat (?:date|time|day)\b|\bwhich day\b|\bby what time\b"
            r"|\bcut-?off\b|\blast day\b|\bfrom (?:what|which|when)\b|\bat what point\b",
            re.IGNORECASE,
        ),
    ),
    (Wants.NUMBER, re.compile(r"\bhow many\b|\bwhat share\b|\bwhat score\b", re.IGNORECASE)),
]


def wanted(question: str) -> Wants:
    """The kind of fact ``question`` asks for (``ANY`` when its words do not say)."""
    for wants, cue in _CUES:
        if cue.search(question):
            return wants
    return Wants.ANY


def states(wants: Wants, text: str) -> bool:
    """Whether ``text`` states a fact of the wanted kind (always false for ``ANY``)."""
    pattern = _FACTS.get(wants)
    return bool(pattern and pattern.search(text))


def figures(text: str) -> frozenset[str]:
    """The numbers in ``text`` ("$5,000.00" and "5000" alike), to tell two versions apart."""
    found = re.findall(r"\d[\d,]*(?:\.\d+)?", text)
    return frozenset(n.replace(",", "").removesuffix(".00") for n in found)


_FIGURE = r"\$?\s?(\d[\d,]*(?:\.\d+)?)\s?(k\b|%)?"
_BELOW = re.compile(rf"\b(?:up to|at most|below|under|less than|within)\s+{_FIGURE}", re.I)
_ABOVE = re.compile(rf"\b(?:above|over|more than|greater than|from)\s+{_FIGURE}", re.I)
_BETWEEN = re.compile(rf"{_FIGURE}\s*(?:to|\u2013|-|and)\s*{_FIGURE}", re.I)
_ASKED = re.compile(r"\$\s?(\d[\d,]*(?:\.\d+)?)\s?(k\b)?|\b(\d+(?:\.\d+)?)\s?%", re.I)


def asked_amounts(question: str) -> list[tuple[float, bool]]:
    """The amounts a question names, each with whether it is a percentage."""
    found = []
    for money, thousands, percent in _ASKED.findall(question):
        if percent:
            found.append((float(percent), True))
        else:
            found.append((_number(money, thousands), False))
    return found


def band_fit(amount: float, percent: bool, text: str) -> int:
    """1 if ``text`` states a band ("up to $500.00", "$500.01 to $5,000.00", "above 20%")
    that ``amount`` falls in, -1 if it states bands of its kind that it falls outside of,
    0 if it states none."""
    bands = [
        _number(low, low_k) <= amount <= _number(high, high_k)
        for low, low_k, high, high_k in _BETWEEN.findall(text)
        if _is_percent(low_k, high_k) == percent
    ]
    bands += [amount <= _number(n, k) for n, k in _BELOW.findall(text) if (k == "%") == percent]
    bands += [amount > _number(n, k) for n, k in _ABOVE.findall(text) if (k == "%") == percent]
    if not bands:
        return 0
    return 1 if any(bands) else -1


def _is_percent(*suffixes: str) -> bool:
    return "%" in suffixes


def _number(text: str, suffix: str) -> float:
    value = float(text.replace(",", ""))
    return value * 1000 if suffix.lower() == "k" else value
