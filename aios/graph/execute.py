"""Running one step of a plan through the toolbox (for ``act``, and for the lookups the gate
lets through, which ``guard`` runs itself: they have no effect to pause before), and ending a
run with its reply: the node that ends it renders the reply, rather than a node of its own
that would cost one more checkpoint per turn."""

from __future__ import annotations

from typing import Any

from langgraph.graph import END
from langgraph.runtime import Runtime
from langgraph.types import Command

from aios.approvals import Execution
from aios.assistant.events import ErrorEvent, MessageEvent, StepFinished, StepStarted
from aios.audit import AuditUnavailable
from aios.graph._common import GraphDeps, caller, emit
from aios.graph.plan_steps import flatten, idempotency_key
from aios.graph.state import TurnContext, TurnState
from aios.planner.entities import listed
from aios.planner.protocol import Plan
from aios.planner.templates import render
from aios.policy import PolicyDecision
from connectors.errors import ConnectorError
from connectors.operation import Kind

Results = dict[str, dict[str, Any]]


def run_step(
    deps: GraphDeps,
    state: TurnState,
    runtime: Runtime[TurnContext],
    cursor: int,
    decision: PolicyDecision,
    results: Results,
) -> Results | Command[str]:
    """``results`` with step ``cursor``'s added, or where to go when it failed."""
    part, step = flatten(Plan.model_validate(state["plan"]))[cursor]
    op = deps.toolbox.connectors.registry.get(step.tool)
    who = caller(state, runtime, f"act:{cursor}")
    # Its arguments are the plan's, which the caller has already seen.
    emit(StepStarted(index=cursor, tool=step.tool, args=step.args), shows_records=False)
    recorded = True
    try:
        if op.kind is Kind.READ:
            result = deps.toolbox.read(step.tool, step.args, who)
        else:
            written = deps.toolbox.written(
                step.tool,
                step.args,
                who,
                idempotency_key=idempotency_key(
                    runtime.context.session_id, state["turn"], cursor, step.args
                ),
                decision=decision,
                confirmed_by=state.get("confirmed_by"),
                approval_id=state.get("approval"),
            )
            result, recorded = written.result, written.recorded
    except (ConnectorError, AuditUnavailable) as exc:
        message = exc.message if isinstance(exc, ConnectorError) else str(exc)
        emit(StepFinished(index=cursor, tool=step.tool, ok=False, error=message))
        if op.kind is not Kind.READ:
            _executed(deps, state, Execution.FAILED)
        said = failed_write(step.description, exc) if op.kind is not Kind.READ else None
        failed = fail(exc, {"errors": [*state.get("errors", []), message]}, said)
        return finish(deps, state, runtime, failed)
    if op.kind is not Kind.READ:
        _executed(deps, state, Execution.SUCCEEDED)
    summary = shown_text(
        deps, op.said(deps.toolbox.acting(step.tool, step.args, who), result), runtime
    )
    emit(
        StepFinished(
            index=cursor,
            tool=step.tool,
            ok=True,
            result=shown(deps, result, runtime),
            summary=summary,
        )
    )
    if not recorded:
        unrecorded = shown_text(deps, not_on_record(step.description, result), runtime)
        emit(ErrorEvent(code=NOT_ON_RECORD, message=unrecorded))
    return {**results, str(part): {**results.get(str(part), {}), step.name: result}}


def _executed(deps: GraphDeps, state: TurnState, executed: Execution) -> None:
    """Keep what came of an approved write in its ledger request, apart from the decision."""
    if approval_id := state.get("approval"):
        deps.ledger.record_execution(approval_id, executed)


NOT_ON_RECORD = "not_on_record"
"""The code of the notice for a write the system made whose success the audit trail could not
record: neither a failure (it happened) nor plain success (the record lacks it)."""


def not_on_record(description: str, result: dict[str, Any]) -> str:
    """A write that happened but is not on the audit record yet, said so in words."""
    made = result_id(result)
    which = f" ({made})" if made else ""
    return (
        f"{description} was done{which}, but it is not yet on the audit record: the trail could "
        "not be written just after. Do not repeat it. It is listed for the operations team and "
        "will be recorded from the system's own record of it (aios audit reconcile)."
    )


def result_id(result: Any) -> str | None:
    """The id of what a write made or changed (a credit note, a case): ``id`` in the result or
    in the first record it holds."""
    if not isinstance(result, dict):
        return None
    if isinstance(result.get("id"), str):
        return str(result["id"])
    for value in result.values():
        if isinstance(value, dict) and isinstance(value.get("id"), str):
            return str(value["id"])
    return None


def failed_write(description: str, exc: ConnectorError | AuditUnavailable) -> str:
    """A write that did not happen, said so in words: an approval is not a refund."""
    if isinstance(exc, AuditUnavailable):
        return f"{description} failed: {exc}; nothing was changed."
    after = " Nothing was changed." if not exc.transient else " It can be tried again safely."
    return f"{description} failed: {exc.message}.{after}"


def shown(deps: GraphDeps, data: Any, runtime: Runtime[TurnContext]) -> Any:
    """``data`` as the person reading this turn may see it (personal data masked)."""
    return deps.masker.mask(data, runtime.context.user.role) if deps.masker else data


def shown_text(deps: GraphDeps, text: str, runtime: Runtime[TurnContext]) -> str:
    """Free text (a document, a note) with the personal data the reader may not see masked."""
    return deps.masker.mask_text(text, runtime.context.user.role) if deps.masker else text


def fail(
    exc: ConnectorError | AuditUnavailable, update: dict[str, Any], said: str | None = None
) -> dict[str, Any]:
    """``update`` marked failed, once the caller has been told why (``said``, if given)."""
    if isinstance(exc, ConnectorError):
        emit(ErrorEvent(code=exc.code, message=said or exc.message))
    else:
        emit(ErrorEvent(code="audit_unavailable", message=said or f"{exc}; nothing was changed."))
    return {**update, "outcome": "failed"}


def tell(deps: GraphDeps, state: TurnState, runtime: Runtime[TurnContext]) -> list[int]:
    """Show the replies of the plan's parts whose steps have all run and that were not shown
    yet; return the parts shown so far. "What's the status of SO-1061 and add a note …": the
    status is told before the note is confirmed, not after."""
    plan = Plan.model_validate(state["plan"])
    results = state.get("results", {})
    told = list(state.get("told") or [])
    lines = []
    for index, part in enumerate(plan.parts):
        done = results.get(str(index), {})
        if index not in told and part.steps and all(step.name in done for step in part.steps):
            values = shown(deps, {**part.values, "results": done}, runtime)
            lines.append(render(part.reply, values, strict=False) or "Done.")
            told.append(index)
    if lines:
        emit(MessageEvent(text=shown_text(deps, "\n\n".join(lines), runtime)))
    return told


def finish(
    deps: GraphDeps, state: TurnState, runtime: Runtime[TurnContext], update: dict[str, Any]
) -> Command[str]:
    """End the run with ``update``: the replies of the plan's parts whose steps all ran."""
    now: TurnState = {**state, **update}  # type: ignore[typeddict-item]
    results = now.get("results", {})
    tell(deps, now, runtime)
    if shown_lists := listed(results):
        # The next message may point into what this one listed ("remind the 2nd one").
        update = {**update, "memory": {**(now.get("memory") or {}), "shown": shown_lists}}
    return Command(goto=END, update={**update, "outcome": now.get("outcome") or "completed"})
