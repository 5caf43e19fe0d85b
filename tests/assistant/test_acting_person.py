"""Who acts is the caller, never a planner (issue 24, point 16): with the LLM planner the model
filled a note's ``author`` with "Blue Harbor"; fields that name who acts are declared on the
operation (``ActingPerson``) and set by the toolbox from the authenticated user on every path."""

from __future__ import annotations

import pytest
from langchain_core.messages import AIMessage

from aios.assistant.factory import build_runtime
from aios.audit import open_trail
from aios.policy import Decision, PolicyDecision
from aios.toolbox import Caller
from connectors.crm.models import Note
from connectors.demo import _planted as planted
from connectors.registry import default_registry
from tests.assistant.conftest import kinds
from tests.planner.llm_fakes import ToolCallingFake, call

NOTE = {
    "account_id": planted.BLUE_HARBOR,
    "case_id": planted.DAMAGED_CASE,
    "author": "Blue Harbor",
    "body": "Photos of the broken pallet received.",
}


def _notes(rows):
    return [n for n in rows("crm", Note) if n.case_id == planted.DAMAGED_CASE]


def test_fields_naming_who_acts_are_declared_on_the_operations_and_in_their_schema():
    acting = {op.tool_name: op.acting_fields for op in default_registry() if op.acting_fields}
    assert acting == {
        "crm.add_note": ["author"],
        "crm.close_case": ["author"],
        "crm.escalate_case": ["author"],
        "crm.set_account_status": ["author"],
    }
    schema = default_registry().get("crm.add_note").input_schema()
    assert schema["properties"]["author"]["x-set-by"] == "caller"


@pytest.mark.slow
def test_an_llm_plan_cannot_name_someone_else_as_the_author(demo_settings, embedder, users, rows):
    model = ToolCallingFake(
        messages=iter([AIMessage("", tool_calls=[call("crm__add_note", **NOTE)])])
    )
    settings = demo_settings.model_copy(update={"planner": "llm"})
    runtime = build_runtime(settings, embedder=embedder, chat_model=model)
    events = list(runtime.assistant.handle("who", users["alice"], "note the photos on the case"))
    assert kinds(events) == ["plan", "confirmation_required", "done"]
    assert events[0].steps[0].args["author"] == "alice"  # what is shown is what is sent
    assert events[1].args == {**NOTE, "author": "alice"}
    done = list(runtime.assistant.handle("who", users["alice"], "yes"))
    assert done[-1].status == "completed"
    assert [n.author for n in _notes(rows)] == ["alice"]


@pytest.mark.slow
def test_the_toolbox_sets_who_acts_on_every_write_whatever_it_is_given(
    runtime, rows, demo_settings
):
    """Any front end (API, CLI, Slack) reaches the systems through ``Toolbox.write``."""
    decision = PolicyDecision(decision=Decision.CONFIRM, reason="test", policy_version="t")
    caller = Caller(actor="dave", session_id="direct", step="act:0", on_behalf_of="alice")
    written = runtime.toolbox.write(
        "crm.add_note", NOTE, caller, idempotency_key="direct-1", decision=decision
    )
    assert written["author"] == "alice"
    assert [n.author for n in _notes(rows)] == ["alice"]
    trail = open_trail(demo_settings).records(session_id="direct")
    requested = next(r for r in trail if r.kind == "tool.requested")
    assert requested.arguments["author"] == "alice"
