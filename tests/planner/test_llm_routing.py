"""``AIOS_PLANNER=auto`` over LangChain's fake chat model: the embedded planner decides what it
is sure of, the model gets only what it is not, a model that fails leaves the embedded answer
standing, and every turn records who decided, why, and the model's tokens and cost, which the
operations view adds up per planner."""

from __future__ import annotations

import logging

import pytest
from fastapi.testclient import TestClient
from langchain_core.messages import AIMessage

from aios.api.app import create_app
from aios.api.store import open_api_store
from aios.assistant.factory import build_runtime
from aios.audit.trail import AuditFilter
from aios.ops.queries import planners
from aios.planner.embedded import EmbeddedPlanner
from aios.planner.protocol import Route
from aios.planner.routing import RoutingPlanner
from connectors.demo import _planted as planted
from tests.assistant.conftest import kinds
from tests.planner.llm_fakes import Unanswering, call, fake

SURE = "refund $10 on SO-1042"
UNSURE = "please frobnicate the quarterly widget ledger"
REFUND = {"invoice_id": planted.DAMAGED_INVOICE, "amount": "45.00", "reason": "arrived broken"}
USAGE = {"input_tokens": 1200, "output_tokens": 40, "total_tokens": 1240}


@pytest.fixture
def auto_runtime(demo_settings, embedder):
    def make(model, **settings):
        auto = demo_settings.model_copy(
            update={
                "planner": "auto",
                "llm_cost_per_mtok_in": 0.15,
                "llm_cost_per_mtok_out": 0.60,
                **settings,
            }
        )
        return build_runtime(auto, embedder=embedder, chat_model=model)

    return make


def _routes(runtime, session_id):
    found = runtime.toolbox.trail.newest(AuditFilter(kind="planner.decided"), 100)
    return [Route.model_validate(r.arguments) for r in found[::-1] if r.session_id == session_id]


def test_without_a_model_auto_is_the_embedded_planner(demo_settings, embedder, users):
    runtime = build_runtime(demo_settings.model_copy(update={"planner": "auto"}), embedder=embedder)
    assert type(runtime.planner) is EmbeddedPlanner
    events = list(runtime.assistant.handle("a0", users["alice"], SURE))
    assert kinds(events) == ["plan", "confirmation_required", "done"]
    assert _routes(runtime, "a0") == []


def test_what_the_embedded_planner_is_sure_of_never_reaches_the_model(auto_runtime, users):
    model = fake()
    runtime = auto_runtime(model)
    assert isinstance(runtime.planner, RoutingPlanner)
    events = list(runtime.assistant.handle("a1", users["alice"], SURE))
    assert kinds(events) == ["plan", "confirmation_required", "done"]
    assert model.seen == []
    assert _routes(runtime, "a1") == [Route(planner="embedded", reason="sure")]


def test_an_unsure_message_goes_to_the_model_and_its_write_still_needs_confirmation(
    auto_runtime, users
):
    refund = AIMessage("", tool_calls=[call("erp__create_refund", **REFUND)], usage_metadata=USAGE)
    model = fake(refund)
    runtime = auto_runtime(model)
    events = list(runtime.assistant.handle("a2", users["alice"], UNSURE))
    assert kinds(events) == ["plan", "confirmation_required", "done"]
    assert events[1].args == REFUND
    assert len(model.seen) == 1
    [route] = _routes(runtime, "a2")
    assert (route.planner, route.reason) == ("llm", "no skill matched")
    assert (route.tokens_in, route.tokens_out) == (1200, 40)
    assert route.cost_usd == pytest.approx((1200 * 0.15 + 40 * 0.60) / 1e6)


def test_when_the_model_does_not_answer_the_embedded_answer_stands(auto_runtime, users, caplog):
    model = Unanswering()
    runtime = auto_runtime(model)
    with caplog.at_level(logging.WARNING):
        events = list(runtime.assistant.handle("a3", users["alice"], UNSURE))
    assert kinds(events) == ["message", "done"]
    assert events[0].text.startswith("I'm not sure what you'd like me to do.")
    assert events[-1].status == "completed"
    assert len(model.seen) == 1
    [route] = _routes(runtime, "a3")
    assert route.planner == "embedded" and route.model_failed
    assert route.reason == "no skill matched; the model failed: no answer in time"
    # One plain line, no traceback: the cause is all an operator can act on.
    said = [r for r in caplog.records if r.name == "aios.planner.llm"]
    assert [r.getMessage() for r in said] == [
        "the chat model gave no usable answer: no answer in time"
    ]
    assert not any(r.exc_info for r in caplog.records)


def test_the_operations_view_shows_the_share_per_planner(auto_runtime, users):
    model = fake(AIMessage("I can't help with that.", usage_metadata=USAGE))
    runtime = auto_runtime(model)
    list(runtime.assistant.handle("a4", users["alice"], SURE))
    list(runtime.assistant.handle("a5", users["alice"], SURE))
    list(runtime.assistant.handle("a6", users["alice"], UNSURE))
    table = planners(runtime, 24)
    assert table.configured == "auto"
    shares = {p.planner: p for p in table.planners}
    assert (shares["embedded"].turns, shares["llm"].turns) == (2, 1)
    assert shares["embedded"].share == pytest.approx(0.667)
    assert (shares["llm"].tokens_in, shares["llm"].tokens_out) == (1200, 40)
    assert shares["embedded"].cost_usd == 0

    api = TestClient(create_app(runtime, open_api_store(runtime.settings)))
    erin, alice = (runtime.users.add_key(name, "tests")[1] for name in ("erin", "alice"))
    shown = api.get("/v1/ops/planners", headers={"Authorization": f"Bearer {erin}"})
    assert shown.status_code == 200
    assert shown.json() == table.model_dump(mode="json")
    refused = api.get("/v1/ops/planners", headers={"Authorization": f"Bearer {alice}"})
    assert refused.status_code == 403  # the operations view is for overseeing roles
