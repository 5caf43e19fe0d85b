"""Spoken amounts and ids, as recognisers write them, become what the planner reads."""

from __future__ import annotations

import pytest

from aios.voice.spoken import cardinal, digits, normalise


@pytest.mark.parametrize(
    ("heard", "written"),
    [
        ("refund forty five dollars on order S O ten forty two", "refund $45 on order SO-1042"),
        ("Refund $45 on order S-O-1042.", "Refund $45 on order SO-1042."),
        ("Refund $45.00 on Order S-O1042.", "Refund $45.00 on Order SO-1042."),
        ("refund forty-five dollars on SO 10-42", "refund $45 on SO-1042"),
        ("forty five dollars and fifty cents", "$45.50"),
        ("one thousand two hundred and five bucks", "$1205"),
        ("make it forty dollars", "make it $40"),
        ("on invoice I N V twenty thirty eight", "on invoice INV-2038"),
        ("note it on case C S one oh oh seven", "note it on case CS-1007"),
        ("what about order ten sixty three", "what about order 1063"),
        ("order 10 42 please", "order 1042 please"),
        ("account A C C one zero zero nine", "account ACC-1009"),
        # Left alone: no amount, no id.
        ("which one is it", "which one is it"),
        ("so one more thing", "so one more thing"),
        ("case two", "case two"),
        ("Yes, confirm.", "Yes, confirm."),
        ("oh no", "oh no"),
    ],
)
def test_spoken_forms(heard, written):
    assert normalise(heard) == written


@pytest.mark.parametrize(
    ("said", "number"),
    [("seven", 7), ("forty two", 42), ("two hundred", 200), ("three thousand and one", 3001)],
)
def test_cardinals(said, number):
    assert cardinal(said) == number


def test_an_oh_is_a_digit_of_an_id_not_an_amount():
    assert cardinal("two oh three") is None
    assert digits("two oh three eight") == "2038"
