"""The graph's nodes: understand → (answer | guard → await_decision → act)*, where the node
that ends the run also gives its reply (``aios.graph.execute.finish``).

Side effects happen only in ``act``, after the gate (``aios.graph.gate``) let the step through.
"""

from __future__ import annotations

import uuid
from typing import Any

from langgraph.graph import END
from langgraph.runtime import Runtime
from langgraph.types import Command
from opentelemetry import trace

from aios.approvals import ApprovalStatus, args_hash
from aios.approvals.summary import overview
from aios.assistant.events import (
    Citation,
    ClarificationEvent,
    ErrorEvent,
    MessageEvent,
    PlanEvent,
    PlannedStepView,
)
from aios.audit import AuditUnavailable
from aios.graph._common import GraphDeps, audited_together, caller, emit
from aios.graph.execute import fail, finish, run_step, shown_text
from aios.graph.gate import Gate
from aios.graph.plan_steps import flatten, with_actor
from aios.graph.state import TurnContext, TurnState
from aios.knowledge.models import Answer, Quote
from aios.knowledge.reply import answer_markdown
from aios.knowledge.retriever import QuestionError
from aios.planner.protocol import Memory, Plan, PlannedStep, PlanRequest, Route
from aios.policy import Decision as Verdict
from aios.policy import PolicyDecision
from aios.toolbox import BoundReader, Caller
from connectors.errors import ConnectorError

NOTHING_FOUND = "I couldn't find anything about that in the company's documents."


class Nodes:
    def __init__(self, deps: GraphDeps, gate: Gate) -> None:
        self.deps = deps
        self.gate = gate

    @audited_together
    def understand(self, state: TurnState, runtime: Runtime[TurnContext]) -> Command[str]:
        user = runtime.context.user
        memory = Memory.model_validate(state.get("memory") or {})
        fresh: dict[str, Any] = {
            "turn": uuid.uuid4().hex,
            "requester": user.name,
            "requester_role": user.role,
            "actor": user.name,
            "actor_role": user.role,
            "plan": None,
            "cursor": 0,
            "results": {},
            "told": [],
            "errors": [],
            "confirmed_by": None,
            "decision": None,
            "approval": None,
            "asked": None,
        }
        # This message's lookups are its sender's, whoever asked in the session before.
        reader = BoundReader(
            self.deps.toolbox,
            Caller(actor=user.name, session_id=runtime.context.session_id, step="understand"),
        )
        request = PlanRequest(text=state["text"], user=user.name, role=user.role, memory=memory)
        try:
            result = self.deps.planner.plan(request, reader)
        except (ConnectorError, AuditUnavailable) as exc:
            return Command(goto=END, update=fail(exc, fresh))
        if result.route is not None:
            _record_route(self.deps, reader, result.route)
        # Whatever planner answered, the next message is not said at this confirmation.
        fresh["memory"] = result.memory.model_copy(update={"confirming": False}).model_dump(
            mode="json"
        )
        output = result.output
        if output.kind == "plan":
            output = with_actor(output, user.name, self.deps.toolbox.connectors.registry)
            steps = [
                PlannedStepView(index=i, tool=s.tool, args=s.args, description=s.description)
                for i, (_, s) in enumerate(flatten(output))
            ]
            emit(PlanEvent(understood=output.understood, steps=steps, confidence=output.confidence))
            planned = {**fresh, "plan": output.model_dump(mode="json")}
            return self.gate.proceed(state, runtime, planned, open_approvals=False)
        if output.kind == "knowledge":
            return Command(goto="answer", update={**fresh, "text": output.question})
        if output.kind == "approvals":
            waiting = self.deps.ledger.decidable_by(user)
            mine = self.deps.ledger.find(requester=user.name)[-10:]
            text = overview(waiting, mine, self.deps.ledger.clock())
            emit(MessageEvent(text=shown_text(self.deps, text, runtime)))
            return Command(goto=END, update={**fresh, "outcome": "answered"})
        if output.kind == "clarify":
            emit(ClarificationEvent(question=output.question, options=output.options))
            return Command(goto=END, update={**fresh, "outcome": "needs_input"})
        emit(MessageEvent(text=shown_text(self.deps, output.text, runtime)))
        return Command(goto=END, update={**fresh, "outcome": "answered"})

    @audited_together
    def answer(self, state: TurnState, runtime: Runtime[TurnContext]) -> dict[str, Any]:
        if self.deps.knowledge is None:
            emit(MessageEvent(text=NOTHING_FOUND))
            return {"outcome": "answered"}
        try:
            found = self.deps.knowledge.answer(state["text"])
        except QuestionError as exc:
            emit(ErrorEvent(code="invalid_question", message=str(exc)))
            return {"outcome": "failed"}
        # Answers are traceable to their sources (audit-trail-and-four-eyes.md).
        self.deps.toolbox.record(
            caller(state, runtime, "answer"),
            "knowledge.answered",
            question=state["text"],
            sources=[f"{h.citation.source}#{h.citation.heading}" for h in found.passages],
        )
        if not found.found:
            emit(MessageEvent(text=NOTHING_FOUND))
            return {"outcome": "answered"}
        # One citation per passage quoted; its snippet is the quote, already in the text.
        citations = [
            Citation(
                **{
                    **hit.citation.model_dump(),
                    "snippet": shown_text(self.deps, quote.text, runtime),
                }
            )
            for hit in found.passages
            if (quote := _first_quote(found, hit.chunk_id))
        ]
        text = shown_text(self.deps, answer_markdown(found), runtime)
        emit(MessageEvent(text=text, citations=citations))
        return {"outcome": "answered"}

    @audited_together
    def act(self, state: TurnState, runtime: Runtime[TurnContext]) -> Command[str]:
        plan = Plan.model_validate(state["plan"])
        cursor = state.get("cursor", 0)
        steps = flatten(plan)
        decision = PolicyDecision.model_validate(state["decision"])
        if missing := self._unapproved(state, steps[cursor][1], decision):
            emit(ErrorEvent(code="approval_missing", message=missing))
            return finish(self.deps, state, runtime, {"outcome": "denied"})
        results = run_step(self.deps, state, runtime, cursor, decision, state.get("results", {}))
        if isinstance(results, Command):
            return results
        update: dict[str, Any] = {
            "results": results,
            "cursor": cursor + 1,
            "confirmed_by": None,
            "approval": None,
        }
        if cursor + 1 == len(steps):
            return finish(self.deps, state, runtime, {**update, "outcome": "completed"})
        return Command(goto="guard", update=update)

    def _unapproved(
        self, state: TurnState, step: PlannedStep, decision: PolicyDecision
    ) -> str | None:
        """Why a step that needs four-eyes may not run yet, read from the ledger itself."""
        if decision.decision is not Verdict.APPROVE:
            return None
        approval = self.deps.ledger.get(state.get("approval") or "")
        if approval is None or approval.status is not ApprovalStatus.APPROVED:
            return "This step needs an approval that has not been given; nothing was changed."
        if approval.args_hash != args_hash(step.args) or approval.decided_by in (
            None,
            approval.requester,
        ):
            return "The approval does not match this step; nothing was changed."
        return None


def _record_route(deps: GraphDeps, reader: BoundReader, route: Route) -> None:
    """Which planner decided this message, why, and the model's tokens and cost: on the
    trail (the operations view counts them) and on the understand step's span."""
    deps.toolbox.record(reader.caller, "planner.decided", **route.model_dump())
    trace.get_current_span().set_attributes(
        {
            "aios.planner": route.planner,
            "aios.planner.reason": route.reason,
            "gen_ai.usage.input_tokens": route.tokens_in,
            "gen_ai.usage.output_tokens": route.tokens_out,
        }
    )


def _first_quote(answer: Answer, chunk_id: str) -> Quote | None:
    quotes = [answer.direct, *answer.supporting] if answer.direct else answer.supporting
    return next((q for q in quotes if q is not None and q.chunk_id == chunk_id), None)
