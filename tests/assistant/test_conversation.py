"""Clarifications, references to earlier turns, refusals and out-of-scope requests."""

from __future__ import annotations

import pytest

from connectors.crm.models import Note
from connectors.demo import _planted as planted
from tests.assistant.conftest import kinds


def say(runtime, user, session, text):
    return list(runtime.assistant.handle(session, user, text))


def test_ambiguous_customer_is_asked_and_the_answer_resolves_it(runtime, users):
    events = say(runtime, users["alice"], "c1", "give me an overview of Blue Harbor")
    assert kinds(events) == ["clarification", "done"]
    assert events[-1].status == "needs_input"
    assert len(events[0].options) == 2
    events = say(runtime, users["alice"], "c1", "the marine one")
    plan = events[0]
    assert plan.type == "plan"
    assert {s.args["account_id"] for s in plan.steps} == {"ACC-1023"}
    assert events[-1].status == "completed"


def test_missing_amount_is_asked_for_once(runtime, users):
    events = say(runtime, users["alice"], "c2", "refund order SO-1042")
    assert kinds(events) == ["clarification", "done"]
    assert "How much" in events[0].question
    events = say(runtime, users["alice"], "c2", "30")
    assert events[0].type == "plan"
    assert events[0].steps[0].args["amount"] == "30.00"


def test_a_later_turn_can_refer_back(runtime, users, rows):
    alice = users["alice"]
    say(runtime, alice, "c3", "tell me about Blue Harbor Logistics")
    events = say(runtime, alice, "c3", "add a note on their open case: 'called about SO-1042'")
    assert events[0].type == "plan"
    step = events[0].steps[0]
    assert step.args["account_id"] == planted.BLUE_HARBOR
    assert step.args["case_id"] == planted.DAMAGED_CASE
    say(runtime, alice, "c3", "yes")
    notes = [n for n in rows("crm", Note) if n.case_id == planted.DAMAGED_CASE]
    assert [n.body for n in notes] == ["called about SO-1042"]


def test_unknown_record_is_reported_plainly(runtime, users):
    events = say(runtime, users["alice"], "c4", "refund $10 on SO-9999")
    assert kinds(events) == ["message", "done"]
    assert "SO-9999" in events[0].text


def test_policy_denial_is_explained_and_nothing_runs(runtime, users):
    events = say(runtime, users["frank"], "c5", "refund $10 on SO-1042")  # an auditor
    assert "error" in kinds(events)
    error = next(e for e in events if e.type == "error")
    assert error.code == "policy_denied"
    assert "auditor" in error.message
    assert events[-1].status == "failed"


def test_out_of_scope_is_said_honestly(runtime, users):
    events = say(runtime, users["alice"], "c6", "launch the rockets")
    assert kinds(events) == ["message", "done"]
    assert "not sure" in events[0].text


def test_capabilities(runtime, users):
    events = say(runtime, users["alice"], "c7", "what can you do?")
    assert "refund" in events[0].text.lower()


def test_nothing_pending_to_resume(runtime, users):
    events = list(runtime.assistant.resume("c8", users["alice"], "approve"))
    assert [e.type for e in events] == ["error", "done"]
    assert events[0].code == "nothing_pending"


@pytest.mark.parametrize(("user", "masked"), [("alice", True), ("carol", False), ("frank", True)])
def test_tool_results_shown_to_a_person_are_masked_by_role(runtime, users, user, masked):
    events = say(runtime, users[user], f"m-{user}", "give me an overview of Blue Harbor Logistics")
    crm = next(e for e in events if e.type == "step_finished" and e.tool == "crm.get_account")
    emails = [c["email"] for c in crm.result["contacts"]]
    assert emails
    assert all("***@" in email for email in emails) is masked
