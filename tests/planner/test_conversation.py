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
    assert [s.tool for s in chat("s", "scrap order SO-1090")[0].steps] == ["erp.get_order"]
    replanned = chat("s", "no, I meant cancel order SO-1090")
    assert _confirmation(replanned).tool == "erp.cancel_order"
