"""What a message mentions: ids, money, addresses, emails, phones, periods."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from aios.planner.entities import extract, mask_ids
from aios.planner.periods import find_period


@pytest.mark.parametrize(
    ("text", "kind", "ids"),
    [
        ("refund SO-1042", "order", ["SO-1042"]),
        ("refund so 1042 and SO1043", "order", ["SO-1042", "SO-1043"]),
        ("check order 1090", "order", ["SO-1090"]),
        ("invoice #2016 is late", "invoice", ["INV-2016"]),
        ("close case 1007", "case", ["CS-1007"]),
        ("update CON-1010", "contact", ["CON-1010"]),
        ("tell me about acc-1004", "account", ["ACC-1004"]),
    ],
)
def test_record_ids(text, kind, ids):
    assert extract(text).ids[kind] == ids


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("refund $45", "45.00"),
        ("refund $1,200.50 back", "1200.50"),
        ("give them 60 bucks", "60.00"),
        ("refund 80 dollars", "80.00"),
        ("a $6k credit note", "6000.00"),
        ("set the limit to 30k", "30000.00"),
        ("USD 15 please", "15.00"),
    ],
)
def test_money(text, amount):
    assert extract(text).amounts == [Decimal(amount)]


def test_bare_numbers_are_money_only_when_asked_for():
    assert extract("make it 40").amounts == []
    assert extract("make it 40", bare_numbers_are_money=True).amounts == [Decimal("40.00")]
    assert extract("SO-1042", bare_numbers_are_money=True).amounts == []


def test_ids_are_not_money_or_phones():
    found = extract("refund $20 on SO-1042 and INV-2038")
    assert found.amounts == [Decimal("20.00")]
    assert found.phones == []


def test_emails_and_phones():
    found = extract("her email is maya.f@bhl-example.com and phone +1 (310) 555-0199")
    assert found.emails == ["maya.f@bhl-example.com"]
    assert found.phones == ["+1 (310) 555-0199"]


def test_addresses():
    found = extract("ship SO-1090 to 12 Harbour Road, Oakland CA 94607 instead")
    assert found.addresses == ["12 Harbour Road, Oakland CA 94607"]


def test_mask_ids_keeps_what_the_id_is():
    assert mask_ids("refund $20 on order SO-1042") == "refund $20 on order"
    assert mask_ids("remind them about INV-2108") == "remind them about invoice"


TODAY = date(2026, 11, 22)  # a Sunday


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("orders from the last 30 days", date(2026, 10, 23), TODAY),
        ("orders of the past two weeks", date(2026, 11, 8), TODAY),
        ("delivered last month", date(2026, 10, 1), date(2026, 10, 31)),
        ("placed this month", date(2026, 11, 1), TODAY),
        ("last week", date(2026, 11, 9), date(2026, 11, 15)),
        ("since 2026-10-01", date(2026, 10, 1), TODAY),
        ("since October 3", date(2026, 10, 3), TODAY),
        ("between March 3 and March 10", date(2026, 3, 3), date(2026, 3, 10)),
        ("from 2026-09-10 to 2026-09-01", date(2026, 9, 1), date(2026, 9, 10)),
        ("in December", date(2025, 12, 1), date(2025, 12, 31)),
        ("in March 2026", date(2026, 3, 1), date(2026, 3, 31)),
    ],
)
def test_periods(text, start, end):
    period = find_period(text, TODAY)
    assert period is not None and (period.start, period.end) == (start, end)


def test_no_period():
    assert find_period("show Blue Harbor's orders", TODAY) is None
    assert find_period("refund $30 on SO-1042", TODAY) is None
