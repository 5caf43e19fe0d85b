"""Which passages count as out of date, with and without a year in the question."""

from __future__ import annotations

import pytest

from aios.knowledge.recency import is_outdated, named_years


def test_years_are_read_from_the_question() -> None:
    assert named_years("In 2025, were SLA hours counted around the clock?") == {2025}
    assert named_years("the 2024 and 2026 rules") == {2024, 2026}
    assert named_years("order SO-20251 for 12025 units") == frozenset()


@pytest.mark.parametrize(
    ("superseded", "effective", "question", "outdated"),
    [
        (True, "2025-01-01", "How are SLA hours counted?", True),
        (False, "2026-01-01", "How are SLA hours counted?", False),
        (True, "2025-01-01", "In 2025, how were SLA hours counted?", False),
        (False, "2026-01-01", "In 2025, how were SLA hours counted?", True),
        (True, "2024-02-01", "In 2025, how were SLA hours counted?", True),
        (False, "2026-01-01", "What will the 2027 targets be?", False),
        (True, None, "In 2025, how were SLA hours counted?", True),
        (False, "soon", "In 2025, how were SLA hours counted?", False),
    ],
)
def test_a_named_year_decides_which_version_is_current(
    superseded: bool, effective: str | None, question: str, outdated: bool
) -> None:
    assert is_outdated(superseded, effective, named_years(question)) is outdated
