"""Operators' own words: slang, data that says which skill, amounts with a record, lists
asked for by name, pasted e-mails, and restating what waits for a confirmation."""

from __future__ import annotations

import pytest

from aios.planner.acts import is_question
from aios.planner.embedded import split_requests
from aios.planner.slang import plain


def _asked(events):
    return next(e for e in events if e.type == "confirmation_required")


def _looked_up(events):
    return [e.tool for e in events if e.type == "step_started"]


@pytest.mark.parametrize(
    ("typed", "plain_words"),
    [
        ("axe SO-1172 pls", "cancel SO-1172 pls"),
        ("pull the plug on their order", "cancel their order"),
        ("give acme a nudge about inv 2108", "remind acme about inv 2108"),
        ("any tix open for kestrel", "any tickets open for kestrel"),
        ("bug them re INV-2108", "nudge them about INV-2108"),
        # Only slang is rewritten: a kill switch in a sentence about orders would be, words
        # about people are not.
        ("ping me when it ships", "ping me when it ships"),
    ],
)
def test_slang_reads_as_plain_words(typed, plain_words):
    assert plain(typed) == plain_words


def test_a_bracketed_aside_is_never_split():
    assert split_requests("refund $20 on INV-2038 and log it on CS-1007 (1 box + 2 rolls)") == [
        "refund $20 on INV-2038",
        "log it on CS-1007 (1 box + 2 rolls)",
    ]


@pytest.mark.parametrize(
    "text",
    ["overdue invoices for tidewater pls", "open cases acme industrial", "late orders of kestrel"],
)
def test_a_list_named_by_its_records_is_asked_for(text):
    assert is_question(text)


def test_slang_cancels_with_a_confirmation(chat):
    assert _asked(chat("s", "axe SO-1144, it was a duplicate")).args["order_id"] == "SO-1144"


def test_data_after_a_record_goes_into_a_note(chat):
    events = chat("s", "jot on CS-1007 - customer sent photos of the crushed cartons")
    asked = _asked(events)
    assert asked.tool == "crm.add_note" and asked.args["case_id"] == "CS-1007"
    assert asked.args["body"] == "customer sent photos of the crushed cartons"


def test_an_amount_with_an_invoice_is_a_refund_and_another_repeats_it(chat):
    asked = _asked(chat("s", "kestrel health wants 40 back on INV-2131, late delivery"))
    assert (asked.tool, asked.args["amount"]) == ("erp.create_refund", "40.00")
    chat("s", "yes")
    again = _asked(chat("s", "and another $15 on INV-2131"))
    assert (again.tool, again.args["amount"]) == ("erp.create_refund", "15.00")


def test_the_operators_line_under_a_pasted_email_is_the_request(chat):
    pasted = (
        "Subject: order not here\n\nHello, our order SO-1042 was due on Monday and we have "
        "heard nothing since. Please let us know.\n\nRegards, Maya\n\nwhere's this one at?"
    )
    assert _looked_up(chat("s", pasted)) == ["erp.get_order"]


def test_quoted_lines_are_what_the_request_is_about(chat):
    pasted = (
        "> we never received invoice INV-2016, can you resend it\n"
        "> thanks, accounts payable\n"
        "send a reminder for that invoice please"
    )
    assert _asked(chat("s", pasted)).args["invoice_id"] == "INV-2016"


def test_restating_the_record_of_a_waiting_confirmation_keeps_it(chat):
    first = _asked(chat("s", "cancel SO-1144"))
    again = _asked(chat("s", "yes SO-1144, the duplicate"))
    assert (again.tool, again.args["order_id"]) == (first.tool, "SO-1144")
