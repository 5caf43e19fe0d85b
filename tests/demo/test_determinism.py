"""The same seed and day always give the same rows; the day only moves the dates."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from connectors.demo import build_dataset, seed
from connectors.demo._dataset import Dataset

from .conftest import TODAY, close, dump, open_at


def _seeded_dump(path: Path, seed_value: int, today: date = TODAY) -> dict[str, Any]:
    systems = open_at(path)
    try:
        seed(systems, seed=seed_value, today=today)
        return dump(systems)
    finally:
        close(systems)


def test_the_same_seed_and_day_give_identical_tables(tmp_path: Path) -> None:
    first = _seeded_dump(tmp_path / "a", 42)
    second = _seeded_dump(tmp_path / "b", 42)

    assert first == second
    assert all(first.values()), "every table has rows"


def test_another_seed_gives_other_data(tmp_path: Path) -> None:
    first = _seeded_dump(tmp_path / "a", 42)
    other = _seeded_dump(tmp_path / "b", 7)

    assert first["accounts"] != other["accounts"]
    assert first["sales_orders"] != other["sales_orders"]
    assert first["products"] != other["products"]  # stock levels


def _dumped(data: Dataset) -> list[dict[str, Any]]:
    batches = [*data.crm_batches(), *data.erp_batches()]
    return [row.model_dump() for batch in batches for row in batch]


def _shifted(row: dict[str, Any], delta: timedelta) -> dict[str, Any]:
    """``row`` with its dates, and the dates written in its texts, moved by ``delta``."""

    def shift_text(match: re.Match[str]) -> str:
        return (date.fromisoformat(match[0]) + delta).isoformat()

    moved: dict[str, Any] = {}
    for key, value in row.items():
        if isinstance(value, (date, datetime)):
            value = value + delta
        elif isinstance(value, str):
            value = re.sub(r"\d{4}-\d{2}-\d{2}", shift_text, value)
        moved[key] = value
    return moved


def test_another_day_moves_every_date_and_changes_nothing_else() -> None:
    delta = timedelta(days=45)
    base = _dumped(build_dataset(42, TODAY))
    later = _dumped(build_dataset(42, TODAY + delta))

    assert later == [_shifted(row, delta) for row in base]
