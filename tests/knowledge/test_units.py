"""The units an answer can quote, and which table row the ranker picks."""

from __future__ import annotations

from aios.knowledge.cues import Wants, states
from aios.knowledge.embedder import Embedder
from aios.knowledge.ranking import Passage, UnitRanker, Weights
from aios.knowledge.units import split_units

PRICES = (
    "sku: SKU-SF-001; name: Nitrile gloves (1000 count); unit: case; price_usd: 84.00\n"
    "sku: SKU-SF-002; name: Safety glasses (12 pack); unit: pack; price_usd: 41.50"
)
SLA = (
    "A high case for a gold account created on Monday at 10:00 is due on Tuesday at 10:00.\n\n"
    "| Tier | Normal | Low |\n|---|---|---|\n"
    "| Gold | 48 h | 72 h |\n| Bronze | 120 h | 168 h |\n"
)
CALENDAR = (
    "| Date | Service |\n|---|---|\n"
    "| 2026-11-27 (day after Thanksgiving) | Cut-off brought forward to 12:00 |\n"
    "| 2026-12-23 | Last dispatch day before the freeze |\n"
)


def test_each_record_of_a_price_list_is_a_unit_that_states_its_price() -> None:
    units = split_units(PRICES)
    assert [u.plain.split(";")[0] for u in units] == ["sku: SKU-SF-001", "sku: SKU-SF-002"]
    assert states(Wants.AMOUNT, units[0].plain)


def _scores(embedder: Embedder, weights: Weights, question: str, text: str) -> dict[str, float]:
    """Each unit's score, by its last line (a table row's row)."""
    ranked = UnitRanker(embedder, weights).rank(question, [Passage(text, "Targets", "Targets")])
    return {s.unit.text.split("\n")[-1]: s.score for s in ranked}


def test_a_unit_naming_only_another_row_than_the_one_asked_about_loses(
    embedder: Embedder,
) -> None:
    question = "A bronze customer logged a low-priority case. When is it due?"
    without = _scores(embedder, Weights(sibling=0.0), question, SLA)
    scores = _scores(embedder, Weights(sibling=0.1), question, SLA)
    lost = {unit[:8]: round(without[unit] - score, 6) for unit, score in scores.items()}
    assert lost == {"A high c": 0.1, "| Gold |": 0.1, "| Bronze": 0.0}
    assert max(scores, key=scores.__getitem__) == "| Bronze | 120 h | 168 h |"


def test_a_row_is_picked_by_any_of_its_cells(embedder: Embedder) -> None:
    """The Thanksgiving row shares only "day" with the question; the row asked about shares
    "last dispatch day before"."""
    question = "What is the last dispatch day before the freeze?"
    without = _scores(embedder, Weights(row_key=0.0), question, CALENDAR)
    scores = _scores(embedder, Weights(row_key=0.1), question, CALENDAR)
    gained = {unit[:12]: round(score - without[unit], 6) for unit, score in scores.items()}
    assert gained == {"| 2026-12-23": 0.1, "| 2026-11-27": 0.0}
