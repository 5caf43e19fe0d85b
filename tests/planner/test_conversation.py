"""The planner in a conversation on the demo data: questions answered, corrections applied."""

from __future__ import annotations

import pytest

from aios.assistant.factory import build_runtime
from aios.identity import demo_users


@pytest.fixture
def chat(demo_settings, embedder):
    runtime = build_runtime(demo_settings, embedder=embedder)
    alice = demo_users()["alice"]

    def say(session: str, text: str):
        return list(runtime.assistant.handle(session, alice, text))

    return say


def _confirmation(events):
    return next(e for e in events if e.type == "confirmation_required")


def test_a_correction_changes_the_amount(chat):
    chat("s", "refund $45 on SO-1042")
    assert _confirmation(chat("s", "actually make it $30")).args["amount"] == "30.00"


def test_a_correction_changes_the_address(chat):
    chat("s", "ship SO-1090 to 12 Harbour Road, Oakland CA 94607")
    events = chat("s", "sorry, 400 Pine Street, Seattle WA 98101 instead")
    assert _confirmation(events).args["address"] == "400 Pine Street, Seattle WA 98101"


def test_an_order_id_answers_which_invoice(chat):
    assert chat("s", "refund $30")[0].type == "clarification"
    assert _confirmation(chat("s", "it's SO-1042")).args["invoice_id"] == "INV-2038"


def test_an_ordinal_answers_which_customer(chat):
    events = chat("s", "give me an overview of Blue Harbor")
    assert events[0].type == "clarification" and len(events[0].options) == 2
    events = chat("s", "2")
    assert next(e.tool for e in events if e.type == "step_started") == "crm.get_account"
    assert "Blue Harbor Marine" in events[-2].text


def test_a_money_answer_fills_the_amount(chat):
    assert chat("s", "refund order SO-1042")[0].type == "clarification"
    assert _confirmation(chat("s", "45")).args["amount"] == "45.00"


def test_a_new_request_leaves_the_question(chat):
    chat("s", "refund $30")
    events = chat("s", "what's the status of SO-1063?")
    assert [e.tool for e in events if e.type == "step_started"] == ["erp.get_order"]


def test_a_lone_number_is_the_amount_asked_for(chat):
    assert _confirmation(chat("s", "refund 30 on SO-1042")).args["amount"] == "30.00"
    # Two numbers and no currency: which is the amount is a guess, so it is asked.
    asked = chat("t", "refund 30 or 40 on SO-1042")
    assert asked[0].type == "clarification" and "How much" in asked[0].question


def test_the_other_action_named_in_a_correction_is_planned(chat):
    assert [s.tool for s in chat("s", "order SO-1090 is to be scrapped")[0].steps] == [
        "erp.get_order"
    ]
    replanned = chat("s", "no, I meant cancel order SO-1090")
    assert _confirmation(replanned).tool == "erp.cancel_order"


def _tools(events):
    return [e.tool for e in events if e.type == "step_started"]


def _said(events):
    return " ".join(getattr(e, "text", None) or getattr(e, "question", "") for e in events)


def test_a_question_about_a_write_is_answered_by_a_lookup(chat):
    events = chat("s", "what's the credit limit on Northwind Traders?")
    assert not any(e.type == "confirmation_required" for e in events)
    assert "erp.get_customer" in _tools(events)
    events = chat("t", "any tickets open for Blue Harbor Logistics?")
    assert _tools(events) == ["crm.find_cases"] and "CS-1007" in _said(events)


def test_a_note_body_is_never_planned(chat):
    events = chat(
        "s", "add a note to Blue Harbor Logistics: they want a refund of $45, cancel SO-1090"
    )
    confirmation = _confirmation(events)
    assert confirmation.tool == "crm.add_note"
    assert confirmation.args["body"] == "they want a refund of $45, cancel SO-1090"
    assert len(next(e for e in events if e.type == "plan").steps) == 1


def test_scrap_that_at_a_confirmation_books_nothing(chat):
    chat("s", "refund $45 on SO-1042")
    events = chat("s", "no, scrap that")
    assert events[-1].status == "cancelled" and not _tools(events)


def test_a_named_customer_beats_the_remembered_one(chat):
    chat("s", "refund $20 on SO-1042")
    chat("s", "no")
    events = chat("s", "refund tidewater freight 200 dollars")
    assert "Blue Harbor" not in _said(events)
    assert "INV-2038" not in str([getattr(e, "args", "") for e in events])


def test_two_records_two_lookups(chat):
    events = chat("s", "status of SO-1042 and SO-1090")
    assert [e.args["order_id"] for e in events if e.type == "step_started"] == [
        "SO-1042",
        "SO-1090",
    ]


def test_an_answer_settles_every_slot_it_gives(chat):
    assert chat("s", "refund Blue Harbor Logistics")[0].type == "clarification"
    confirmation = _confirmation(chat("s", "INV-2038, 20 bucks"))
    assert confirmation.args == {**confirmation.args, "invoice_id": "INV-2038", "amount": "20.00"}


def test_the_second_one_points_into_the_last_list(chat):
    listed = chat("s", "show me the overdue invoices")
    second = next(e for e in listed if e.type == "step_finished").result["invoices"][1]["id"]
    confirmation = _confirmation(chat("s", "nudge them about the 2nd one"))
    assert confirmation.args["invoice_id"] == second


def test_a_customer_that_does_not_exist(chat):
    events = chat("s", "refund Zenith Corp $50")
    assert 'no customer named "Zenith Corp"' in _said(events) and not _tools(events)


def test_a_pasted_email_with_the_request_at_the_end(chat):
    email = "Hello team,\n\n" + "We have been customers for many years. " * 30 + "\n\nRegards, Jo"
    events = chat("s", f"{email}\n\nrefund $20 on SO-1042 please")
    assert _confirmation(events).args["amount"] == "20.00"


def test_a_correction_recomposes_the_reason_and_the_note(chat):
    chat(
        "s",
        "Blue Harbor says order SO-1042 arrived broken, refund them $45 and note it on their "
        "open case",
    )
    confirmation = _confirmation(chat("s", "no, make it $40"))
    assert "$40.00" in confirmation.args["reason"] and "$45" not in confirmation.args["reason"]


def test_a_listed_account_is_picked_by_position(chat):
    chat("s", "show me the northwind accounts")
    events = chat("s", "whats the credit limit on the 2nd one")
    assert "erp.get_customer" in _tools(events) and "Northwind Trading Co." in _said(events)


def test_a_leading_command_verb_names_the_change(chat):
    assert _confirmation(chat("s", "scrap SO-1090 pls they double ordered")).tool == (
        "erp.cancel_order"
    )
    events = chat("t", "pls log on case CS-1007: customer asked for a refund, we need photos")
    assert _confirmation(events).args["body"] == "customer asked for a refund, we need photos"


def test_what_a_customer_owes_is_every_unpaid_invoice(chat):
    events = chat("s", "how much does blue harbor logistics owe us right now?")
    # Open and overdue alike: INV-2055 ($827.00, not yet due) and INV-2016 (overdue).
    assert "$1,659.00" in _said(events)
    assert not any(e.type == "confirmation_required" for e in events)


def test_an_amount_that_reads_two_ways_is_asked_about(chat):
    events = chat("s", "credit 2,5k on INV-2131")
    assert not _tools(events) and '"2,5k"' in _said(events)
    assert not any(e.type == "confirmation_required" for e in events)


def test_a_record_pointed_at_beats_asking_which_of_the_customers(chat):
    # SO-1144 and SO-1319 of Willow Creek have both not shipped: "that one" settles it.
    chat("s", "where is order SO-1319")
    events = chat("s", "please cancel that one, customer ordered by mistake")
    assert _confirmation(events).args["order_id"] == "SO-1319"


def test_a_word_of_one_option_picks_it_without_asking(chat):
    chat("s", "orders for willow creek bakeries")
    events = chat("s", "scrap the confirmed one please")
    assert _confirmation(events).args["order_id"] == "SO-1319"


def test_the_older_of_two_overdue_invoices(chat):
    events = chat("s", "chase tidewater freight about their oldest overdue invoice")
    assert _confirmation(events).args["invoice_id"] == "INV-2067"


def test_an_answer_with_the_record_and_more_fills_both(chat):
    assert chat("s", "i need to refund kestrel health systems")[0].type == "clarification"
    confirmed = _confirmation(chat("s", "INV-2131 - 75 dollars, courier lost a box"))
    assert (confirmed.args["invoice_id"], confirmed.args["amount"]) == ("INV-2131", "75.00")


def test_a_corrected_record_is_another_customers_and_the_card_says_so(chat):
    chat("s", "refund $25 on INV-2131")
    events = chat("s", "oops, wrong invoice: INV-2038")
    confirmed = _confirmation(events)
    assert confirmed.args["invoice_id"] == "INV-2038" and "Blue Harbor Logistics" in confirmed.text
