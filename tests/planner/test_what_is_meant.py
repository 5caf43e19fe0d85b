"""What a message means beside what it says: a name in an answer, a request that only names
what a change would set, records of two kinds listed, a reason typed at a confirmation, "the
same for …", "everything they owe", a quote above the operator's own line, questions about any
one of a kind, and reminders already sent."""

from __future__ import annotations

import pytest


@pytest.fixture
def chat(chat_as):
    return chat_as("dave")


def _asked(events):
    return [e for e in events if e.type == "confirmation_required"]


def _looked_up(events):
    return [e.tool for e in events if e.type == "step_started"]


def _question(events):
    return next((e.question for e in events if e.type == "clarification"), None)


def test_an_answer_that_names_another_customer_is_about_that_customer(chat):
    assert _question(chat("s", "change kestrel health systems' credit limit")) is not None
    events = chat("s", "lower bayside contracting's credit limit to 8000, they pay late")
    (asked,) = _asked(events)
    assert asked.args["account_id"] == "ACC-1005"  # Bayside, not Kestrel talked about before
    assert asked.args["credit_limit"] == "8000.00"


@pytest.mark.parametrize(
    "text", ["kestrel health systems credit limit pls", "credit position of kestrel health"]
)
def test_naming_what_a_change_would_set_asks_to_see_it(chat, text):
    events = chat("s", text)
    assert not _asked(events) and _question(events) is None
    assert "erp.get_customer" in _looked_up(events)


def test_records_of_two_kinds_listed_are_each_looked_up(chat):
    looked = _looked_up(chat("s", "show me CS-1019 and invoice INV-2094", "alice"))
    assert "erp.get_invoice" in looked and "crm.find_cases" in looked


def test_a_plain_sentence_at_a_confirmation_is_its_reason(chat):
    chat("s", "cancel SO-1090", "alice")
    events = chat("s", "customer doesn't need the gloves anymore, project postponed", "alice")
    (asked,) = _asked(events)
    assert asked.tool == "erp.cancel_order" and asked.args["order_id"] == "SO-1090"
    assert asked.args["reason"] == "customer doesn't need the gloves anymore, project postponed"
    assert not _looked_up(events)  # not a product search


def test_the_same_for_another_record_repeats_the_last_request(chat):
    chat("s", "send a friendly reminder for INV-2001")
    chat("s", "yes")
    (asked,) = _asked(chat("s", "same for INV-2209"))
    assert asked.tool == "erp.send_payment_reminder"
    assert asked.args == {"invoice_id": "INV-2209", "tone": "friendly"}


def test_everything_they_owe_is_each_of_their_invoices(chat):
    events = chat("s", "send tidewater freight reminders for everything they owe")
    plan = next(e for e in events if e.type == "plan")
    assert [s.args["invoice_id"] for s in plan.steps] == ["INV-2067", "INV-2094"]


def test_a_quote_above_the_request_is_context_and_the_request_its_own_words(chat):
    pasted = (
        "voicemail from keystone academy, transcribed:\n"
        '"hi, facilities office at Keystone, about order SO-1195, we still have not\n'
        'received it, please refund us or call back"\n\n'
        "note on CS-1003: left a voicemail, wants a callback this afternoon"
    )
    (asked,) = _asked(chat("s", pasted, "bob"))
    assert asked.tool == "crm.add_note" and asked.args["case_id"] == "CS-1003"
    assert asked.args["body"] == "left a voicemail, wants a callback this afternoon"


def test_a_pasted_thread_set_apart_by_rules_leaves_the_last_line_as_the_request(chat):
    pasted = (
        "--- forwarded from the warehouse channel ---\n"
        "[09:12] ops: the Acme Industries pallet is short 4 packs of gloves\n"
        "[09:14] ops: supplier says backorder until the 20th\n"
        "---\n"
        "open a case for acme industries about the glove backorder, high priority"
    )
    (asked,) = _asked(chat("s", pasted, "carol"))
    assert asked.tool == "crm.open_case" and asked.args["account_id"] == "ACC-1038"
    assert asked.args["priority"] == "high"


@pytest.mark.parametrize(
    "text",
    [
        "by what time must an order be confirmed to leave the same day?",
        "is there a cap on paying invoices by card",
    ],
)
def test_a_question_about_any_one_of_a_kind_asks_the_rule(chat, text):
    events = chat("s", text, "alice")
    assert not _looked_up(events) and not _asked(events) and _question(events) is None


def test_reminders_already_sent_are_looked_up_never_sent(chat):
    chat("s", "send a friendly reminder for INV-2001")
    chat("s", "yes")
    events = chat("t", "have we chased beacon foods already?")
    assert _looked_up(events) == ["erp.list_outbox"] and not _asked(events)
    told = " ".join(e.text for e in events if e.type == "message")
    assert "INV-2001" in told


def test_taking_it_back_at_a_confirmation_is_no_reason(chat):
    chat("s", "refund 45 on INV-2038 damaged cartons")
    assert not _asked(chat("s", "nah forget it, wrong invoice"))


def test_and_for_another_customer_asks_the_last_question_of_them(chat):
    chat("s", "show overdue invoices for tidewater freight", "alice")
    events = chat("s", "and for beacon foods?", "alice")
    told = " ".join(e.text for e in events if e.type == "message")
    assert "overdue invoice(s) of **Beacon Foods**" in told
