"""The planner reads record ids by the shapes the systems declare (connectors/record_kinds.py)."""

from __future__ import annotations

import pytest

from aios.planner.entities import extract, listed, mask_ids
from aios.planner.records import Records
from aios.toolbox import BoundReader, Caller
from connectors.operation import Kind
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
    for word in kind.words:  # "case 1022" and "ticket 1022" alike
        found = extract(f"the {word} {kind.first + 7}").ids
        assert found == ({kind.name: [kind.id(kind.first + 7)]} if kind.named_by_noun else {})


def test_the_registry_holds_the_kinds_of_its_systems():
    registry = default_registry()
    assert registry.record_kinds == list(RECORD_KINDS)
    assert {kind.system for kind in registry.record_kinds} == set(registry.systems)


@pytest.mark.parametrize("kind", [k for k in RECORD_KINDS if k.read_by], ids=lambda k: k.name)
def test_a_kind_is_read_and_listed_by_operations_that_take_its_id(kind: RecordKind):
    registry = default_registry()
    reader = registry.get(kind.read_by)
    assert (reader.kind, reader.system) == (Kind.READ, kind.system)
    assert kind.id_field in reader.input_model.model_fields
    assert not kind.read_from or kind.read_from in reader.output_model.model_fields
    if kind.listed_by:
        lister = registry.get(kind.listed_by)
        assert lister.kind == Kind.READ
        assert {"account_id", "limit"} <= set(lister.input_model.model_fields)
        assert kind.plural in lister.output_model.model_fields


def test_the_planner_reads_every_kind_by_id_the_way_the_registry_says(runtime):
    records = Records(BoundReader(runtime.toolbox, Caller(actor="t", session_id="t", step="t")))
    for kind in (k for k in RECORD_KINDS if k.read_by):
        record = records.one(kind.name, kind.id(kind.first))
        assert record is not None and record["id"] == kind.id(kind.first), kind.name
        assert records.one(kind.name, kind.id(kind.first + 90000)) is None
    invoice = records.one("invoice", "INV-2001")
    assert invoice is not None and "refundable" in invoice and "payments" not in invoice
    assert records.one("payment", "PAY-3001") is None  # the systems read no payment by id
    account_id = str(records.one("order", "SO-1001")["account_id"])  # type: ignore[index]
    newest = records.latest("order", account_id)
    assert newest is not None and newest["account_id"] == account_id
    assert records.latest("case", account_id) is None  # no operation lists cases newest first
