"""The units an answer can quote, and which table row the ranker picks."""

from __future__ import annotations

from aios.knowledge.cues import Wants, states
from aios.knowledge.embedder import Embedder
from aios.knowledge.ranking import Passage, UnitRanker
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


def test_the_row_asked_about_wins_over_another_rows_example(embedder: Embedder) -> None:
    ranked = UnitRanker(embedder).rank(
        "A bronze customer logged a low-priority case. When is it due?",
        [Passage(SLA, "SLA targets", "Case SLA > SLA targets")],
    )
    assert ranked[0].unit.table and "| Bronze |" in ranked[0].unit.text


def test_a_row_is_picked_by_any_of_its_cells(embedder: Embedder) -> None:
    ranked = UnitRanker(embedder).rank(
        "What is the last dispatch day before the freeze?",
        [Passage(CALENDAR, "Other closures", "Calendar > Other closures")],
    )
    assert "2026-12-23" in ranked[0].unit.text
