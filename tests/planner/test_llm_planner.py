"""The LLM planner over LangChain's fake chat model: lookups run, writes only become a plan,
and the plan goes through the same policy, confirmation, approval and audit as any other."""

from __future__ import annotations

import json
import re
import socket

import pytest
from langchain_core.messages import AIMessage, ToolMessage

from aios.assistant.factory import build_runtime
from aios.audit import open_trail
from aios.knowledge.index import KnowledgeIndex
from aios.planner.chat_models import ChatModelUnavailable, load_chat_model
from aios.planner.tool_cards import MAX_LENGTH
from connectors.demo import _planted as planted
from connectors.erp.models import Refund
from tests.assistant.conftest import kinds
from tests.planner.llm_fakes import Unanswering, call, fake
from tests.settings import REPO


@pytest.fixture
def llm_runtime(demo_settings, embedder):
    def make(model):
        settings = demo_settings.model_copy(update={"planner": "llm"})
        return build_runtime(settings, embedder=embedder, chat_model=model)

    return make


REFUND = {"invoice_id": planted.DAMAGED_INVOICE, "amount": "45.00", "reason": "arrived broken"}


def _refunds(rows, cents):
    return [
        r
        for r in rows("erp", Refund)
        if r.invoice_id == REFUND["invoice_id"] and r.amount_cents == cents
    ]


def test_every_operation_is_offered_with_its_derived_schema(llm_runtime):
    model = fake()
    llm_runtime(model)
    names = {tool["function"]["name"] for tool in model.tools}
    assert {"crm__find_accounts", "erp__create_refund"} <= names
    refund = next(t for t in model.tools if t["function"]["name"] == "erp__create_refund")
    assert "amount" in refund["function"]["parameters"]["properties"]


def test_a_lookup_runs_then_the_write_waits_for_confirmation(
    llm_runtime, users, rows, demo_settings
):
    model = fake(
        AIMessage("", tool_calls=[call("erp__get_invoice", invoice_id=REFUND["invoice_id"])]),
        AIMessage(
            "Refund $45 on the damaged delivery.",
            tool_calls=[call("erp__create_refund", **REFUND)],
        ),
    )
    runtime = llm_runtime(model)
    events = list(runtime.assistant.handle("llm1", users["alice"], "refund them $45, it broke"))
    assert kinds(events) == ["plan", "confirmation_required", "done"]
    assert events[1].args == REFUND and "amount='45.00'" in events[1].text
    assert _refunds(rows, 4500) == []
    fed_back = [m for m in model.seen[1] if isinstance(m, ToolMessage)]
    assert json.loads(fed_back[0].content)["invoice"]["id"] == REFUND["invoice_id"]

    done = list(runtime.assistant.handle("llm1", users["alice"], "yes"))
    assert done[-1].status == "completed"
    assert len(_refunds(rows, 4500)) == 1
    trail = [(r.kind, r.tool) for r in open_trail(demo_settings).records(session_id="llm1")]
    assert ("tool.read", "erp.get_invoice") in trail
    assert trail.index(("confirmation.given", "erp.create_refund")) < trail.index(
        ("tool.requested", "erp.create_refund")
    )


def test_a_large_refund_still_needs_four_eyes(llm_runtime, users, rows):
    # Above $500 (four-eyes) and within the $512.50 paid, so the system's rules let it through.
    big = {**REFUND, "amount": "510"}
    runtime = llm_runtime(fake(AIMessage("", tool_calls=[call("erp__create_refund", **big)])))
    events = list(runtime.assistant.handle("llm2", users["alice"], "refund $510"))
    assert events[1].decision == "approve" and events[1].approver_role == "finance"
    refused = list(runtime.assistant.handle("llm2", users["alice"], "yes"))
    assert refused[0].code == "not_allowed"
    assert _refunds(rows, 51000) == []


def test_what_policy_denies_the_model_cannot_do(llm_runtime, users, rows):
    runtime = llm_runtime(fake(AIMessage("", tool_calls=[call("erp__create_refund", **REFUND)])))
    events = list(runtime.assistant.handle("llm3", users["frank"], "refund $45"))
    assert [e.code for e in events if e.type == "error"] == ["policy_denied"]
    assert _refunds(rows, 4500) == []


@pytest.mark.parametrize(
    "asked",
    [
        call("erp__wire_money", to="attacker"),
        call("erp__create_refund", invoice_id=REFUND["invoice_id"], amount="lots"),
    ],
)
def test_an_unknown_tool_or_bad_arguments_are_refused_before_policy(
    llm_runtime, users, rows, asked
):
    runtime = llm_runtime(fake(AIMessage("", tool_calls=[asked])))
    events = list(runtime.assistant.handle("llm4", users["alice"], "do it"))
    assert [e.code for e in events if e.type == "error"] == ["invalid_plan"]
    assert not any(e.type == "confirmation_required" for e in events)


def test_lookups_reach_the_model_masked_for_the_caller(llm_runtime, users):
    model = fake(
        AIMessage("", tool_calls=[call("crm__get_account", account_id=planted.BLUE_HARBOR)]),
        AIMessage("Their contact is maya.fischer@blueharbor.example."),
    )
    runtime = llm_runtime(model)
    events = list(runtime.assistant.handle("llm5", users["alice"], "who is their contact?"))
    fed_back = next(m for m in model.seen[1] if isinstance(m, ToolMessage)).content
    assert "***@" in fed_back
    assert not any("@blueharbor" in str(e) and "***" not in str(e) for e in events)
    assert events[0].text == "Their contact is m***@blueharbor.example."


def test_a_missing_provider_package_is_named(demo_settings):
    settings = demo_settings.model_copy(update={"planner": "llm", "llm_provider": "ollama"})
    try:
        import langchain_ollama  # noqa: F401
    except ImportError:
        with pytest.raises(ChatModelUnavailable, match="pip install langchain-ollama"):
            load_chat_model(settings)
    else:
        pytest.skip("langchain-ollama is installed here")


def test_tools_are_offered_as_local_servers_take_them(llm_runtime):
    model = fake()
    llm_runtime(model)
    # llama.cpp's server (chatml-function-calling) ignores the tools without a tool_choice, and
    # it dies on a long maxLength: the guard checks the arguments against the full schema.
    assert model.bound == {"tool_choice": "auto"}
    limits = [int(n) for n in re.findall(r'"maxLength": (\d+)', json.dumps(model.tools))]
    assert limits and max(limits) == MAX_LENGTH
    cards = {t["function"]["name"]: t["function"]["parameters"] for t in model.tools}
    assert "author" not in cards["crm__add_note"]["properties"]  # aios sets who acts
    assert cards["crm__add_note"]["required"] == ["account_id", "body"]
    assert cards["search_documents"]["required"] == ["question"]


@pytest.mark.parametrize(
    ("model", "said"),
    [
        (Unanswering(), "The model is not answering right now; nothing was done."),
        (
            fake(AIMessage("ok ok ok ok", response_metadata={"finish_reason": "length"})),
            "The model's answer ran on too long; nothing was done.",
        ),
        (
            fake(AIMessage("", invalid_tool_calls=[{"name": "x", "args": "{", "id": "1"}])),
            "The model's answer could not be read; nothing was done.",
        ),
    ],
    ids=["no-answer", "ran-on", "unreadable"],
)
def test_a_model_that_fails_ends_in_a_plain_message(llm_runtime, users, model, said):
    runtime = llm_runtime(model)
    events = list(runtime.assistant.handle("llm6", users["alice"], "refund them $45"))
    assert kinds(events) == ["message", "done"]
    assert events[0].text.startswith(said)
    assert events[1].status == "completed"


def test_a_hanging_endpoint_is_dropped_after_the_timeout(llm_runtime, demo_settings, users):
    """The real OpenAI client against a loopback server that accepts and never answers."""
    with socket.create_server(("127.0.0.1", 0)) as server:
        settings = demo_settings.model_copy(
            update={
                "planner": "llm",
                "llm_base_url": f"http://127.0.0.1:{server.getsockname()[1]}/v1",
                "llm_timeout_s": 0.5,
                "llm_retries": 0,
            }
        )
        runtime = llm_runtime(load_chat_model(settings))
        events = list(runtime.assistant.handle("llm7", users["alice"], "refund them $45"))
    assert kinds(events) == ["message", "done"]
    assert events[0].text.startswith("The model is not answering right now")


def test_the_model_is_bounded_by_the_settings(demo_settings):
    settings = demo_settings.model_copy(
        update={
            "llm_base_url": "http://127.0.0.1:9/v1",
            "llm_timeout_s": 2.5,
            "llm_retries": 0,
            "llm_max_tokens": 64,
        }
    )
    model = load_chat_model(settings)
    assert (model.request_timeout, model.max_retries, model.max_tokens) == (2.5, 0, 64)
    assert model.extra_body == {"max_tokens": 64}  # what local servers read


def test_a_documents_question_is_answered_from_them_with_citations(demo_settings, embedder, users):
    index = KnowledgeIndex(demo_settings.data_dir, embedder)
    index.ingest([REPO / "knowledge" / "finance"], REPO / "knowledge")
    index.close()
    question = "who has to approve a refund above $500?"
    model = fake(AIMessage("", tool_calls=[call("search_documents", question=question)]))
    settings = demo_settings.model_copy(update={"planner": "llm"})
    runtime = build_runtime(settings, embedder=embedder, chat_model=model)
    events = list(runtime.assistant.handle("llm8", users["alice"], "refunds over 500, who ok's?"))
    message = next(e for e in events if e.type == "message")
    assert message.citations[0].source.startswith("finance/refund-policy")
    assert len(model.seen) == 1  # the documents answered, not the model


def test_the_models_documents_search_gets_the_cited_answer_with_the_fact(
    demo_settings, embedder, users
):
    """Under AIOS_PLANNER=llm a documents question reads as under the embedded planner: the
    answering sentence first, stating the fact, cited to the document it quotes, and the
    sources recorded in the audit trail. The question searched is the model's wording."""
    index = KnowledgeIndex(demo_settings.data_dir, embedder)
    index.ingest([REPO / "knowledge" / "finance"], REPO / "knowledge")
    index.close()
    question = "How many days after delivery can a customer get a refund?"
    model = fake(AIMessage("", tool_calls=[call("search_documents", question=question)]))
    settings = demo_settings.model_copy(update={"planner": "llm"})
    runtime = build_runtime(settings, embedder=embedder, chat_model=model)
    events = list(runtime.assistant.handle("llm9", users["alice"], "refund window??"))
    message = next(e for e in events if e.type == "message")
    first = message.text.split("\n")[0]
    assert first.startswith("**") and "90 days" in first
    assert "finance/refund-policy-v2.md" in first
    assert message.citations[0].source == "finance/refund-policy-v2.md"
    assert "90 days" in message.citations[0].snippet
    answered = [
        r for r in open_trail(demo_settings).records(session_id="llm9")
        if r.kind == "knowledge.answered"
    ]  # fmt: skip
    assert answered[0].arguments["question"] == question
    assert any(
        s.startswith("finance/refund-policy-v2.md#") for s in answered[0].arguments["sources"]
    )
