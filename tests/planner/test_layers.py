"""The planner's layers on their own: what a message does, the data it carries, how it is typed."""

from __future__ import annotations

import pytest

from aios.planner.acts import asks_how, calls_off, is_question
from aios.planner.choices import position
from aios.planner.entities import listed
from aios.planner.matching import customer_name
from aios.planner.normalise import Normaliser, number_words
from aios.planner.payload import split_payload
from aios.planner.records import name_candidates


@pytest.mark.parametrize(
    ("text", "asks"),
    [
        ("what's the credit limit on Northwind?", True),
        ("any tickets open for Beacon Foods?", True),
        ("how many reminders may we send a month?", True),
        ("is SO-1042 refundable", True),
        ("can you refund $45 on SO-1042?", False),
        ("could u chase the overdue invoice", False),
        ("please cancel SO-1090?", False),
        ("refund $45 on SO-1042", False),
        ("set the credit limit of Northwind to 9000", False),
    ],
)
def test_a_question_is_told_from_a_request(text, asks):
    assert is_question(text) is asks


def test_asking_leave_for_a_named_change_is_asking_for_it():
    assert not is_question("can we refund $45 on SO-1042?", names_record=True)
    assert is_question("can we refund more than was paid?", names_record=False)
    assert is_question("how do we cancel SO-1063?", names_record=True)
    assert asks_how("how do we cancel an order that already shipped?")
    assert not asks_how("what's the status of SO-1063?")


@pytest.mark.parametrize(
    "text", ["no, scrap that", "forget it", "never mind", "nah, leave it", "cancel that please"]
)
def test_calling_off(text):
    assert calls_off(text)


@pytest.mark.parametrize("text", ["no", "cancel SO-1090", "scrap order SO-1090", "no, make it $40"])
def test_what_does_not_call_off(text):
    assert not calls_off(text)


def test_a_note_body_is_data():
    said = split_payload("add a note to Blue Harbor: refund them $45 and cancel SO-1090")
    assert said.head == "add a note to Blue Harbor"
    assert said.body == "refund them $45 and cancel SO-1090"
    said = split_payload('open a case for Acme "refund not received"')
    assert said.body == "refund not received" and "refund" not in said.head
    assert split_payload("note on CS-1007 saying photos received").body == "photos received"
    assert split_payload("refund $45 on SO-1042").body is None


@pytest.mark.parametrize(
    ("text", "digits"),
    [
        ("refund seventy five dollars", "refund 75 dollars"),
        ("a hundred bucks back", "100 bucks back"),
        ("one hundred and fifty", "150"),
        ("twenty-five bucks", "25 bucks"),
        ("three grand", "3000"),
        ("the second one", "the second one"),
        ("one of them", "one of them"),
        ("a refund and a note", "a refund and a note"),
    ],
)
def test_number_words(text, digits):
    assert number_words(text) == digits


def test_typos_are_corrected_against_the_lexicon_only():
    normaliser = Normaliser(["invoices", "overdue", "reminder"], ["show", "the", "for", "me"])
    assert normaliser.normalise("show me the invioces for tidewatr", ["Tidewater Freight"]) == (
        "show me the invoices for tidewater"
    )
    # Known words, capitalised words and e-mail addresses stay as typed.
    assert normaliser.normalise("Invioce", []) == "Invioce"
    assert normaliser.normalise("mail jo@invioces.com", []) == "mail jo@invioces.com"


def test_run_together_names():
    accounts = [{"id": "ACC-1015", "name": "Northwind Traders"}, {"id": "ACC-2", "name": "Acme"}]
    assert [a["id"] for a in name_candidates("invoices of northwindtraders", accounts)] == [
        "ACC-1015"
    ]


def test_a_customer_named_known_or_not():
    assert customer_name("refund Zenith Corp $50") == "Zenith Corp"
    assert customer_name("show invoices for zenith logistics") == "zenith logistics"
    assert customer_name("status of SO-1042 for Blue Harbor") == "Blue Harbor"
    assert customer_name("refund $20 on SO-1042") is None
    assert customer_name("invoices due since October 1") is None


def test_positions_in_a_list():
    assert position("remind the 2nd one", 3) == 1
    assert position("the last one", 3) == 2
    assert position("number 3 please", 3) == 2
    assert position("the 5th one", 3) is None
    assert position("remind them", 3) is None


def test_lists_shown_are_remembered_by_kind():
    results = {"0": {"invoices": {"invoices": [{"id": "INV-2001"}, {"id": "INV-2002"}]}}}
    assert listed(results) == {"invoice": ["INV-2001", "INV-2002"]}
