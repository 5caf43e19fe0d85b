"""The planner reads record ids by the shapes the systems declare (connectors/record_kinds.py)."""

from __future__ import annotations

import pytest

from aios.planner.entities import extract, listed, mask_ids
from connectors.record_kinds import RECORD_KINDS, RecordKind
from connectors.registry import default_registry


@pytest.mark.parametrize("kind", RECORD_KINDS, ids=lambda kind: kind.name)
def test_every_declared_kind_is_read_however_its_id_is_typed(kind: RecordKind):
    record = kind.id(kind.first + 41)
    number = record.split("-")[1]
    for typed in (record, f"{kind.prefix.lower()} {number}", f"{kind.prefix}{number}"):
        assert extract(f"look at {typed} please").ids == {kind.name: [record]}
    assert mask_ids(f"look at {record}") == f"look at {kind.noun}"
    assert listed({"rows": [{"id": record}, {"id": kind.id(kind.first)}]}) == {
        kind.name: [record, kind.id(kind.first)]
    }


@pytest.mark.parametrize("kind", RECORD_KINDS, ids=lambda kind: kind.name)
def test_a_kind_named_by_its_noun_and_number(kind: RecordKind):
    found = extract(f"the {kind.noun} {kind.first + 7}").ids
    assert found == ({kind.name: [kind.id(kind.first + 7)]} if kind.named_by_noun else {})


def test_the_registry_holds_the_kinds_of_its_systems():
    registry = default_registry()
    assert registry.record_kinds == list(RECORD_KINDS)
    assert {kind.system for kind in registry.record_kinds} == set(registry.systems)
