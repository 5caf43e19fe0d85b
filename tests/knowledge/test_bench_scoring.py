"""When the retrieval benchmark counts a hit as the labelled answer."""

from __future__ import annotations

import pytest

from aios.knowledge.bench import LabelledQuestion, matches
from aios.knowledge.models import Citation, Hit

LABEL = LabelledQuestion(
    id="q1",
    question="Can a manager approve 18% off an order?",
    source="sales/discount-authority-2026.md",
    heading="Authority by role",
)


def hit(source: str, *path: str) -> Hit:
    citation = Citation(
        source=source,
        title=path[0],
        heading=path[-1],
        heading_path=" > ".join(path),
        snippet="…",
        score=1.0,
    )
    return Hit(chunk_id="c", text="…", score=1.0, superseded=False, citation=citation)


@pytest.mark.parametrize(
    ("found", "counts"),
    [
        (hit(LABEL.source, "Discount Authority 2026", "Authority by role"), True),
        (hit(LABEL.source, "Discount Authority 2026", "Authority by role", "Managers"), True),
        (hit(LABEL.source, "Discount Authority 2026", "Examples"), False),
        (hit("sales/discount-authority-2025.md", "D 2025", "Authority by role"), False),
    ],
)
def test_a_hit_counts_in_the_labelled_section_or_below_it(found: Hit, counts: bool) -> None:
    assert matches(found, LABEL) is counts


def test_the_title_heading_is_not_a_section_that_holds_everything() -> None:
    intro = LABEL.model_copy(update={"heading": "Discount Authority 2026"})
    assert matches(hit(LABEL.source, "Discount Authority 2026"), intro)
    assert not matches(hit(LABEL.source, "Discount Authority 2026", "Examples"), intro)
