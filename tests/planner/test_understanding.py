"""Names, clauses, answers to questions, and corrections."""

from __future__ import annotations

import pytest

from aios.planner.choices import choose
from aios.planner.embedded import split_requests
from aios.planner.records import mask_names, name_candidates

ACCOUNTS = [
    {"id": "ACC-1004", "name": "Blue Harbor Logistics"},
    {"id": "ACC-1023", "name": "Blue Harbor Marine"},
    {"id": "ACC-1011", "name": "Acme Industrial"},
    {"id": "ACC-1031", "name": "Crane & Sons"},
    {"id": "ACC-1052", "name": "Northwind Trading Co."},
    {"id": "ACC-1047", "name": "pinecrest Janitorial SUPPLY  "},
]


def _ids(text: str) -> list[str]:
    return [r["id"] for r in name_candidates(text, ACCOUNTS)]


def test_name_matching():
    assert _ids("refund Blue Harbor Logistics") == ["ACC-1004"]
    assert _ids("tell me about Blue Harbor") == ["ACC-1004", "ACC-1023"]  # ambiguous
    assert _ids("the marine one, blue harbor marine") == ["ACC-1023"]
    assert _ids("Blue Harbour Logistcs") == ["ACC-1004"]  # typos
    assert _ids("Crane and Sons") == ["ACC-1031"]
    assert _ids("northwind trading") == ["ACC-1052"]
    assert _ids("Pinecrest Janitorial Supply") == ["ACC-1047"]  # odd casing in the CRM
    assert _ids("what is our refund policy?") == []


def test_names_are_masked_for_matching():
    assert mask_names("refund Blue Harbor Logistics $20", ACCOUNTS, "X") == "refund X $20"
    assert mask_names("Crane & Sons' limit", ACCOUNTS, "X") == "X' limit"


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        (
            "refund them $45 and note it on their open case",
            ["refund them $45", "note it on their open case"],
        ),
        (
            "cancel SO-1090; then send a reminder for INV-2016",
            ["cancel SO-1090", "send a reminder for INV-2016"],
        ),
        (
            "refund $45 because the goods and the box were damaged",
            ["refund $45 because the goods and the box were damaged"],
        ),
        ("show Blue Harbor's orders and invoices", ["show Blue Harbor's orders and invoices"]),
    ],
)
def test_clause_splitting(text, parts):
    assert split_requests(text) == parts


OPTIONS = {
    "ACC-1004": "Blue Harbor Logistics (ACC-1004, West)",
    "ACC-1023": "Blue Harbor Marine (ACC-1023, West)",
}


@pytest.mark.parametrize(
    ("answer", "chosen"),
    [
        ("the second one", "ACC-1023"),
        ("2", "ACC-1023"),
        ("first", "ACC-1004"),
        ("ACC-1023", "ACC-1023"),
        ("acc-1004 please", "ACC-1004"),
        ("the marine one", "ACC-1023"),
        ("Blue Harbor Logistics", "ACC-1004"),
        ("the last one", "ACC-1023"),
        ("no idea", None),
        ("5", None),
    ],
)
def test_pending_answers(answer, chosen):
    assert choose(answer, OPTIONS) == chosen
