"""Date ranges in plain words: "last month", "in the past 30 days", "since 2026-10-01",
"between March 3 and March 10", "in October". Pure functions of the text and today's date."""

from __future__ import annotations

import re
from calendar import monthrange
from datetime import date, timedelta

from pydantic import BaseModel

_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        1,
    )
    for name in names
}
_MONTH = "|".join(sorted(_MONTHS, key=len, reverse=True))
# One day: 2026-10-01, "October 3", "Oct 3, 2026", "3 October 2026".
_DAY = (
    rf"(?:\d{{4}}-\d{{1,2}}-\d{{1,2}}|(?:{_MONTH})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+\d{{4}})?"
    rf"|\d{{1,2}}(?:st|nd|rd|th)?\s+(?:{_MONTH})(?:\s+\d{{4}})?)"
)
_BETWEEN = re.compile(rf"\b(?:between|from)\s+({_DAY})\s+(?:and|to|until|-)\s+({_DAY})", re.I)
_SINCE = re.compile(rf"\b(?:since|after|from)\s+({_DAY})", re.I)
_UNTIL = re.compile(rf"\b(?:before|until|up to)\s+({_DAY})", re.I)
_ON = re.compile(rf"\bon\s+({_DAY})", re.I)
_LAST_N = re.compile(
    r"\b(?:last|past|previous)\s+(\d{1,3}|two|three|four|six)\s+(day|week|month)s?\b", re.I
)
_IN_MONTH = re.compile(rf"\b(?:in|during|for)\s+({_MONTH})\b\.?(?:\s+(\d{{4}}))?", re.I)
_WORDS = {"two": 2, "three": 3, "four": 4, "six": 6}


class Period(BaseModel):
    """From ``start`` to ``end``, both days included; ``label`` says it in words."""

    start: date | None = None
    end: date | None = None
    label: str


def find_period(text: str, today: date) -> Period | None:
    """The date range ``text`` names, or None when it names none."""
    if match := _BETWEEN.search(text):
        start, end = _day(match.group(1), today), _day(match.group(2), today)
        if start and end:
            start, end = min(start, end), max(start, end)
            return Period(start=start, end=end, label=f"{start} to {end}")
    if match := _LAST_N.search(text):
        raw, unit = match.group(1).lower(), match.group(2).lower()
        n = int(raw) if raw.isdigit() else _WORDS[raw]
        days = n * {"day": 1, "week": 7, "month": 30}[unit]
        label = f"last {n} {unit}{'s' if n > 1 else ''}"
        return Period(start=today - timedelta(days=days), end=today, label=label)
    relative = _relative(text.lower(), today)
    if relative:
        return relative
    if match := _SINCE.search(text):
        start = _day(match.group(1), today)
        if start:
            return Period(start=start, end=today, label=f"since {start}")
    if match := _UNTIL.search(text):
        end = _day(match.group(1), today)
        if end:
            return Period(end=end, label=f"until {end}")
    if match := _ON.search(text):
        day = _day(match.group(1), today)
        if day:
            return Period(start=day, end=day, label=f"on {day}")
    if match := _IN_MONTH.search(text):
        month = _MONTHS[match.group(1).lower()]
        year = int(match.group(2)) if match.group(2) else _latest_year(month, today)
        start = date(year, month, 1)
        end = date(year, month, monthrange(year, month)[1])
        return Period(start=start, end=end, label=f"{start:%B %Y}")
    return None


def _relative(lowered: str, today: date) -> Period | None:
    monday = today - timedelta(days=today.weekday())
    first = today.replace(day=1)
    previous_month_end = first - timedelta(days=1)
    ranges = (
        ("today", today, today),
        ("yesterday", today - timedelta(days=1), today - timedelta(days=1)),
        ("this week", monday, today),
        ("last week", monday - timedelta(days=7), monday - timedelta(days=1)),
        ("this month", first, today),
        ("last month", previous_month_end.replace(day=1), previous_month_end),
        ("this year", date(today.year, 1, 1), today),
        ("last year", date(today.year - 1, 1, 1), date(today.year - 1, 12, 31)),
    )
    for words, start, end in ranges:
        if re.search(rf"\b{words}\b", lowered):
            return Period(start=start, end=end, label=words)
    return None


def _latest_year(month: int, today: date) -> int:
    """A month without a year means its latest occurrence up to today."""
    return today.year if month <= today.month else today.year - 1


def _day(raw: str, today: date) -> date | None:
    raw = raw.strip().lower().replace(",", " ")
    try:
        if re.fullmatch(r"\d{4}-\d{1,2}-\d{1,2}", raw):
            year, month, day = (int(p) for p in raw.split("-"))
            return date(year, month, day)
        words = re.sub(r"(\d)(st|nd|rd|th)\b", r"\1", raw).replace(".", " ").split()
        month = next(_MONTHS[w] for w in words if w in _MONTHS)
        numbers = [int(w) for w in words if w.isdigit()]
        day = next(n for n in numbers if n <= 31)
        years = [n for n in numbers if n > 31]
        return date(years[0] if years else _latest_year(month, today), month, day)
    except (ValueError, StopIteration):
        return None
