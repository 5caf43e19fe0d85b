"""The gate before every step: the policy decides, then a person confirms or approves.

``guard`` decides and records; it never pauses, so it runs once per step. ``await_decision``
does nothing but pause (``interrupt``): LangGraph re-runs a paused node from its start on
resume, and here that re-runs nothing with an effect.
"""

from __future__ import annotations

import uuid
from typing import Any

from langgraph.runtime import Runtime
from langgraph.types import Command, interrupt

from aios.assistant.arguments import shown_as_run
from aios.assistant.events import ConfirmationRequired, ErrorEvent, MessageEvent
from aios.graph._common import GraphDeps, audited_together, caller, emit
from aios.graph.execute import finish, run_step, tell
from aios.graph.history import looked_back, past_writes, repeats
from aios.graph.plan_steps import flatten
from aios.graph.state import Decision, Outcome, TurnContext, TurnState
from aios.planner.protocol import Plan, PlannedStep
from aios.policy import Decision as Verdict
from aios.policy import PolicyDecision, PolicyRequest
from aios.toolbox import Caller
from connectors.errors import ConnectorError, InvalidInput
from connectors.operation import Kind


class Gate:
    def __init__(self, deps: GraphDeps) -> None:
        self.deps = deps

    @audited_together
    def guard(self, state: TurnState, runtime: Runtime[TurnContext]) -> Command[str]:
        return self.proceed(state, runtime)

    def proceed(
        self,
        state: TurnState,
        runtime: Runtime[TurnContext],
        carried: dict[str, Any] | None = None,
        *,
        open_approvals: bool = True,
    ) -> Command[str]:
        """Decide the step at the cursor. A lookup the policy allows runs right here, and the
        next step is decided: a lookup has no effect to pause before, and a node of its own
        would cost a checkpoint per lookup.

        ``understand`` calls this with the state its plan changed (``carried``, passed on in
        every update) so that a plan goes on without a checkpoint in between; it passes
        ``open_approvals=False`` because opening an approval must happen in a node that
        re-runs with the same turn: a step that needs one goes to ``guard`` undecided.
        """
        carried = carried or {}
        now: TurnState = {**state, **carried}  # type: ignore[typeddict-item]
        plan = Plan.model_validate(now["plan"])
        steps = flatten(plan)
        cursor = now.get("cursor", 0)
        results = now.get("results", {})
        while cursor < len(steps):
            step = steps[cursor][1]
            update: dict[str, Any] = {
                **carried,
                "cursor": cursor,
                "results": results,
                "approval": None,
                "repeats": None,
            }
            later = [s.args for _, s in steps[cursor + 1 :] if s.tool == step.tool]
            decided = self._decide(now, runtime, plan, step, later, record=open_approvals)
            if isinstance(decided, str):
                return finish(self.deps, now, runtime, {**update, "outcome": decided})
            verdict, update["repeats"] = decided
            if verdict.decision is Verdict.APPROVE and not open_approvals:
                return Command(goto="guard", update=update)
            if not open_approvals:
                self._record(now, runtime, step, verdict)
            update["decision"] = verdict.model_dump(mode="json")
            if verdict.decision is Verdict.DENY:
                emit(ErrorEvent(code="policy_denied", message=f"Not allowed: {verdict.reason}"))
                return finish(self.deps, now, runtime, {**update, "outcome": "denied"})
            if verdict.decision is Verdict.ALLOW:
                if self.deps.toolbox.connectors.registry.get(step.tool).kind is not Kind.READ:
                    return Command(goto="act", update=update)
                at: TurnState = {**now, "cursor": cursor, "results": results}
                done = run_step(self.deps, at, runtime, cursor, verdict, results)
                if isinstance(done, Command):
                    return done
                results, cursor = done, cursor + 1
                continue
            if verdict.decision is Verdict.APPROVE:
                update["approval"] = self._open_approval(now, runtime, cursor, step, verdict)
            # Drawn once here, so every re-run of await_decision shows the same confirmation,
            # and every new one (a correction re-plans and comes back here) is a new id.
            update["asked"] = f"CF-{uuid.uuid4().hex[:16]}"
            # What the lookups before this step found is told now, not after the decision.
            update["told"] = tell(self.deps, {**now, "results": results}, runtime)
            return Command(goto="await_decision", update=update)
        update = {**carried, "cursor": cursor, "results": results, "outcome": "completed"}
        return finish(self.deps, now, runtime, update)

    def _decide(
        self,
        state: TurnState,
        runtime: Runtime[TurnContext],
        plan: Plan,
        step: PlannedStep,
        later: list[dict[str, Any]],
        *,
        record: bool = True,
    ) -> tuple[PolicyDecision, str | None] | Outcome:
        """The policy's decision on ``step``, recorded unless ``record`` is False (the caller
        records it once it knows it will act on it), with the write's repeats (``repeats``)
        when the same kind of write was done on its record in the last 24 hours: then a person
        confirms it, whatever the policy says. Or how the run ends without a decision: failed
        for a malformed step, denied for a write its system refuses.

        A write is first checked by its system's own rules (``Toolbox.validate``): a refund
        outside the refund window is refused here, before anyone is asked to confirm or approve
        it. It is then decided with its running totals: ``later`` (the plan's writes of the
        same tool still to come) and the earlier writes the audit trail holds."""
        who = caller(state, runtime, "guard")
        try:
            # Whatever proposed the step (skills or a model), it must be a known tool with
            # arguments of the right shape before policy is even asked.
            op = self.deps.toolbox.connectors.registry.get(step.tool)
            op.check_args(step.args)
        except InvalidInput as exc:
            self.deps.toolbox.record(who, "plan.rejected", tool=step.tool, reason=exc.message)
            emit(ErrorEvent(code="invalid_plan", message=f"I can't run that step: {exc.message}"))
            return "failed"
        operator = state.get("requester") or runtime.context.user.name
        now = self.deps.toolbox.trail.clock()
        history, booked, pending = [], {}, later
        if op.kind is Kind.WRITE:
            try:
                booked = self.deps.toolbox.validate(step.tool, step.args, who) or {}
            except ConnectorError as exc:
                emit(ErrorEvent(code=exc.code, message=_refused(step.description, exc)))
                return "denied"
            # What the plan's later writes would book (their customer), as far as it is known.
            pending = [{**args, **self._would_book(step.tool, args, who)} for args in later]
            since = looked_back(self.deps.policy.totals_for(step.tool), now)
            history = past_writes(self.deps.toolbox.trail, step.tool, since)
        verdict = self.deps.policy.decide(
            PolicyRequest(
                role=state.get("requester_role") or runtime.context.user.role,
                tool=step.tool,
                kind=op.kind.value,
                args=step.args,
                account_tier=step.account_tier,
                confidence=plan.confidence,
                data_classes=self.deps.masker.classes_in(step.args) if self.deps.masker else [],
                operator=operator,
                booked=booked,
                pending=pending,
                history=history,
                now=now,
            )
        )
        warning = repeats(step.args, history, now) if op.kind is Kind.WRITE else None
        if warning and verdict.decision is Verdict.ALLOW:
            verdict = verdict.model_copy(update={"decision": Verdict.CONFIRM, "reason": warning})
        if record:
            self._record(state, runtime, step, verdict)
        return verdict, warning

    def _would_book(self, tool: str, args: dict[str, Any], who: Caller) -> dict[str, Any]:
        try:
            return self.deps.toolbox.validate(tool, args, who) or {}
        except ConnectorError:
            return {}  # refused in its turn, when its own step is decided

    def _record(
        self,
        state: TurnState,
        runtime: Runtime[TurnContext],
        step: PlannedStep,
        verdict: PolicyDecision,
    ) -> None:
        self.deps.toolbox.record(
            caller(state, runtime, "guard"),
            "policy.decided",
            tool=step.tool,
            decision=verdict,
            args=step.args,
            rule=verdict.rule,
            reason=verdict.reason,
        )

    def _open_approval(
        self,
        state: TurnState,
        runtime: Runtime[TurnContext],
        cursor: int,
        step: PlannedStep,
        verdict: PolicyDecision,
    ) -> str:
        assert verdict.approver_role is not None
        approval, created = self.deps.ledger.open(
            session_id=runtime.context.session_id,
            turn=state["turn"],
            step_index=cursor,
            tool=step.tool,
            args=step.args,
            description=step.description,
            reason=verdict.reason,
            requester=state.get("requester") or runtime.context.user.name,
            required_role=verdict.approver_role,
        )
        # Not created means this guard ran before and died; it may have died before the row.
        if created or not self._announced(approval.id, runtime.context.session_id):
            self.deps.toolbox.record(
                caller(state, runtime, "guard"),
                "approval.requested",
                tool=step.tool,
                decision=verdict,
                approval_id=approval.id,
                args=step.args,
                required_role=approval.required_role,
                due_at=approval.due_at.isoformat(),
            )
        return approval.id

    def _announced(self, approval_id: str, session_id: str) -> bool:
        rows = self.deps.toolbox.trail.records(session_id=session_id)
        return any(r.kind == "approval.requested" and r.approval_id == approval_id for r in rows)

    @audited_together
    def await_decision(self, state: TurnState, runtime: Runtime[TurnContext]) -> Command[str]:
        plan = Plan.model_validate(state["plan"])
        cursor = state.get("cursor", 0)
        _, step = flatten(plan)[cursor]
        verdict = PolicyDecision.model_validate(state["decision"])
        approval_id = state.get("approval")
        warning = state.get("repeats")
        op = self.deps.toolbox.connectors.registry.get(step.tool)
        answer: Decision = interrupt(
            ConfirmationRequired(
                id=state.get("asked") or "",
                index=cursor,
                tool=step.tool,
                args=step.args,
                arguments=shown_as_run(
                    op, step.args, state.get("requester") or runtime.context.user.name
                ),
                text=f"{step.description}\n\n{warning}" if warning else step.description,
                decision="approve" if approval_id else "confirm",
                approver_role=verdict.approver_role,
                reason=verdict.reason,
                requester=state.get("requester"),
                approval_id=approval_id,
            ).model_dump(mode="json")
        )
        self.deps.toolbox.record(
            caller(state, runtime, "await_decision"),
            "approval.decided" if approval_id else "confirmation.given",
            tool=step.tool,
            decision=verdict,
            approval_id=approval_id,
            answer=answer.get("answer"),
            by=answer.get("user"),
            role=answer.get("role"),
            args=step.args,
            **_rejected_because(answer),
        )
        if answer.get("answer") == "approve":
            actor = {"actor": answer.get("user"), "actor_role": answer.get("role")}
            return Command(goto="act", update={"confirmed_by": answer.get("user"), **actor})
        if answer.get("answer") == "change" and answer.get("text"):
            # Said at the confirmation: a plain sentence there is about the waiting request.
            memory = {**(state.get("memory") or {}), "confirming": True}
            return Command(goto="understand", update={"text": answer["text"], "memory": memory})
        emit(MessageEvent(text=_not_done(answer, state.get("requester"))))
        outcome = "expired" if answer.get("expired") else "cancelled"
        return finish(self.deps, state, runtime, {"outcome": outcome})


def _refused(description: str, exc: ConnectorError) -> str:
    """A write its system refuses, told plainly: nobody was asked, nothing changed."""
    return (
        f"I can't do that: {description[:1].lower()}{description[1:]} is refused by the "
        f"system: {exc.message}. Nothing was changed, and nobody was asked to approve it."
    )


def _rejected_because(answer: Decision) -> dict[str, str]:
    """The reason a rejection gave, for the audit row of the decision (none when it gave none)."""
    why = (answer.get("text") or "").strip()
    return {"reason": why} if answer.get("answer") == "reject" and why else {}


def _not_done(answer: Decision, requester: str | None) -> str:
    if answer.get("expired"):
        return "The approval request expired before anyone decided it. Nothing was changed."
    if answer.get("user") != requester:
        # The approver's reason, when they gave one, goes to the requester with the decision.
        why = _rejected_because(answer).get("reason", "").rstrip(".")
        because = f": {why}" if why else ""
        return f"Rejected by {answer.get('user')}{because}. Nothing was changed by that step."
    return "Cancelled. Nothing was changed by that step."
