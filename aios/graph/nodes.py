"""The graph's nodes: understand → (answer | guard ⇄ act) → respond.

Side effects happen only in ``act``, never before an ``interrupt()`` in the same node: a
node that was interrupted runs again from its start on resume, so ``guard`` only decides.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from langgraph.config import get_stream_writer
from langgraph.graph import END
from langgraph.runtime import Runtime
from langgraph.types import Command, interrupt
from pydantic import BaseModel

from aios.assistant.events import (
    Citation,
    ClarificationEvent,
    ConfirmationRequired,
    ErrorEvent,
    MessageEvent,
    PlanEvent,
    PlannedStepView,
    StepFinished,
    StepStarted,
)
from aios.audit import AuditUnavailable
from aios.graph.plan_steps import flatten, idempotency_key
from aios.graph.state import Decision, TurnContext, TurnState
from aios.knowledge.answer import Answerer
from aios.knowledge.retriever import QuestionError
from aios.planner.protocol import Memory, Plan, Planner, PlanRequest
from aios.planner.templates import render
from aios.policy import Decision as PolicyVerdict
from aios.policy import PolicyDecision, PolicyEngine, PolicyRequest
from aios.policy.masking import Masker
from aios.toolbox import BoundReader, Caller, Toolbox
from connectors.errors import ConnectorError
from connectors.operation import Kind

NOTHING_FOUND = "I couldn't find anything about that in the company's documents."


@dataclass(frozen=True)
class GraphDeps:
    planner: Planner
    toolbox: Toolbox
    policy: PolicyEngine
    knowledge: Answerer | None = None
    masker: Masker | None = None


def _emit(event: BaseModel) -> None:
    get_stream_writer()(event.model_dump(mode="json"))


def _caller(state: TurnState, runtime: Runtime[TurnContext], step: str) -> Caller:
    requester = state.get("requester") or runtime.context.user.name
    actor = runtime.context.user.name
    return Caller(
        actor=actor,
        session_id=runtime.context.session_id,
        step=step,
        on_behalf_of=requester if requester != actor else None,
    )


class Nodes:
    def __init__(self, deps: GraphDeps) -> None:
        self.deps = deps

    def understand(self, state: TurnState, runtime: Runtime[TurnContext]) -> Command[str]:
        user = runtime.context.user
        memory = Memory.model_validate(state.get("memory") or {})
        fresh: dict[str, Any] = {
            "turn": uuid.uuid4().hex,
            "requester": user.name,
            "requester_role": user.role,
            "plan": None,
            "cursor": 0,
            "results": {},
            "errors": [],
            "confirmed_by": None,
            "decision": None,
        }
        reader = BoundReader(self.deps.toolbox, _caller(state, runtime, "understand"))
        request = PlanRequest(text=state["text"], user=user.name, role=user.role, memory=memory)
        try:
            result = self.deps.planner.plan(request, reader)
        except (ConnectorError, AuditUnavailable) as exc:
            return self._fail(exc, fresh)
        fresh["memory"] = result.memory.model_dump(mode="json")
        output = result.output
        if output.kind == "plan":
            steps = [
                PlannedStepView(index=i, tool=s.tool, args=s.args, description=s.description)
                for i, (_, s) in enumerate(flatten(output))
            ]
            _emit(
                PlanEvent(understood=output.understood, steps=steps, confidence=output.confidence)
            )
            return Command(goto="guard", update={**fresh, "plan": output.model_dump(mode="json")})
        if output.kind == "knowledge":
            return Command(goto="answer", update={**fresh, "text": output.question})
        if output.kind == "clarify":
            _emit(ClarificationEvent(question=output.question, options=output.options))
            return Command(goto=END, update={**fresh, "outcome": "needs_input"})
        _emit(MessageEvent(text=output.text))
        return Command(goto=END, update={**fresh, "outcome": "answered"})

    def answer(self, state: TurnState) -> dict[str, Any]:
        if self.deps.knowledge is None:
            _emit(MessageEvent(text=NOTHING_FOUND))
            return {"outcome": "answered"}
        try:
            found = self.deps.knowledge.answer(state["text"])
        except QuestionError as exc:
            _emit(ErrorEvent(code="invalid_question", message=str(exc)))
            return {"outcome": "failed"}
        if not found.found:
            _emit(MessageEvent(text=NOTHING_FOUND))
            return {"outcome": "answered"}
        citations = [Citation(**hit.citation.model_dump()) for hit in found.passages]
        text = "\n\n".join(f"> {hit.text.strip()}" for hit in found.passages)
        _emit(MessageEvent(text=f"{found.message}\n\n{text}", citations=citations))
        return {"outcome": "answered"}

    def guard(self, state: TurnState, runtime: Runtime[TurnContext]) -> Command[str]:
        plan = Plan.model_validate(state["plan"])
        steps = flatten(plan)
        cursor = state.get("cursor", 0)
        if cursor >= len(steps):
            return Command(goto="respond", update={"outcome": "completed"})
        _, step = steps[cursor]
        op = self.deps.toolbox.connectors.registry.get(step.tool)
        verdict = self.deps.policy.decide(
            PolicyRequest(
                role=state.get("requester_role") or runtime.context.user.role,
                tool=step.tool,
                kind=op.kind.value,
                args=step.args,
                account_tier=step.account_tier,
                confidence=plan.confidence,
            )
        )
        update: dict[str, Any] = {"decision": verdict.model_dump(mode="json")}
        if verdict.decision is PolicyVerdict.DENY:
            self.deps.toolbox.record(
                _caller(state, runtime, "guard"),
                "policy.decided",
                tool=step.tool,
                decision="deny",
                reason=verdict.reason,
                rule=verdict.rule,
            )
            _emit(ErrorEvent(code="policy_denied", message=f"Not allowed: {verdict.reason}"))
            return Command(goto="respond", update={**update, "outcome": "denied"})
        if verdict.decision is PolicyVerdict.ALLOW:
            return Command(goto="act", update=update)
        answer: Decision = interrupt(
            ConfirmationRequired(
                index=cursor,
                tool=step.tool,
                args=step.args,
                text=step.description,
                decision="approve" if verdict.decision is PolicyVerdict.APPROVE else "confirm",
                approver_role=verdict.approver_role,
                reason=verdict.reason,
                requester=state.get("requester"),
            ).model_dump(mode="json")
        )
        # Only reached on resume, once per decision.
        self.deps.toolbox.record(
            _caller(state, runtime, "guard"),
            "confirmation.given"
            if verdict.decision is PolicyVerdict.CONFIRM
            else "approval.decided",
            tool=step.tool,
            answer=answer.get("answer"),
            by=answer.get("user"),
            args=step.args,
        )
        if answer.get("answer") == "approve":
            return Command(goto="act", update={**update, "confirmed_by": answer.get("user")})
        if answer.get("answer") == "change" and answer.get("text"):
            return Command(goto="understand", update={"text": answer["text"]})
        _emit(MessageEvent(text="Cancelled. Nothing was changed by that step."))
        return Command(goto="respond", update={**update, "outcome": "cancelled"})

    def act(self, state: TurnState, runtime: Runtime[TurnContext]) -> Command[str]:
        plan = Plan.model_validate(state["plan"])
        cursor = state.get("cursor", 0)
        part, step = flatten(plan)[cursor]
        op = self.deps.toolbox.connectors.registry.get(step.tool)
        caller = _caller(state, runtime, f"act:{cursor}")
        _emit(StepStarted(index=cursor, tool=step.tool, args=step.args))
        try:
            if op.kind is Kind.READ:
                result = self.deps.toolbox.read(step.tool, step.args, caller)
            else:
                result = self.deps.toolbox.write(
                    step.tool,
                    step.args,
                    caller,
                    idempotency_key=idempotency_key(
                        runtime.context.session_id, state["turn"], cursor, step.args
                    ),
                    decision=PolicyDecision.model_validate(state["decision"]),
                    confirmed_by=state.get("confirmed_by"),
                )
        except (ConnectorError, AuditUnavailable) as exc:
            message = exc.message if isinstance(exc, ConnectorError) else str(exc)
            _emit(StepFinished(index=cursor, tool=step.tool, ok=False, error=message))
            return self._fail(exc, {"errors": [*state.get("errors", []), message]}, goto="respond")
        shown = self._shown(result, runtime)
        _emit(StepFinished(index=cursor, tool=step.tool, ok=True, result=shown))
        results = dict(state.get("results", {}))
        results[str(part)] = {**results.get(str(part), {}), step.name: result}
        update = {"results": results, "cursor": cursor + 1, "confirmed_by": None}
        return Command(goto="guard", update=update)

    def _shown(self, data: Any, runtime: Runtime[TurnContext]) -> Any:
        """``data`` as the person reading this turn may see it (personal data masked)."""
        masker = self.deps.masker
        return masker.mask(data, runtime.context.user.role) if masker else data

    def respond(self, state: TurnState, runtime: Runtime[TurnContext]) -> dict[str, Any]:
        plan = Plan.model_validate(state["plan"])
        results = state.get("results", {})
        lines = []
        for index, part in enumerate(plan.parts):
            done = results.get(str(index), {})
            if part.steps and all(step.name in done for step in part.steps):
                values = self._shown({**part.values, "results": done}, runtime)
                lines.append(render(part.reply, values, strict=False) or "Done.")
        if lines:
            _emit(MessageEvent(text="\n\n".join(lines)))
        return {"outcome": state.get("outcome") or "completed"}

    @staticmethod
    def _fail(
        exc: ConnectorError | AuditUnavailable, update: dict[str, Any], goto: str = END
    ) -> Command[str]:
        if isinstance(exc, ConnectorError):
            _emit(ErrorEvent(code=exc.code, message=exc.message))
        else:
            _emit(ErrorEvent(code="audit_unavailable", message=f"{exc}; nothing was changed."))
        return Command(goto=goto, update={**update, "outcome": "failed"})
