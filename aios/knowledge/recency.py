"""Which passages are out of date for a question: superseded ones, unless the question names
the year they were in force.

"In 2025, were SLA hours counted around the clock?" asks about the rules of 2025, which only
the superseded 2025 document holds; the current 2026 document answers a question nobody
asked. So when a question names years, a document that took effect in one of them counts as
current, and a current document that took effect after all of them counts as out of date.
"""

from __future__ import annotations

import re

_YEAR = re.compile(r"\b(19[5-9]\d|20\d\d)\b")
_DATE_YEAR = re.compile(r"^\s*(\d{4})")


def named_years(question: str) -> frozenset[int]:
    """The calendar years a question names ("in 2025", "the 2024 rules")."""
    return frozenset(int(year) for year in _YEAR.findall(question))


def is_outdated(superseded: bool, effective: str | None, years: frozenset[int]) -> bool:
    """Whether a passage should be down-ranked for a question naming ``years``."""
    took_effect = _year_of(effective)
    if not years or took_effect is None:
        return superseded
    if took_effect in years:
        return False
    return superseded or took_effect > max(years)


def _year_of(effective: str | None) -> int | None:
    match = _DATE_YEAR.match(effective or "")
    return int(match.group(1)) if match else None
