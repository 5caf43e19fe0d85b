"""What every node needs: its dependencies, the event writer, and who the caller is."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Concatenate, ParamSpec, Protocol, TypeVar

from langgraph.config import get_stream_writer
from langgraph.graph import END
from langgraph.runtime import Runtime
from langgraph.types import Command
from opentelemetry.trace import Span
from pydantic import BaseModel

from aios import observability
from aios.approvals import ApprovalLedger
from aios.assistant.events import ErrorEvent
from aios.audit import AuditUnavailable, flush_held
from aios.graph.state import TurnContext, TurnState
from aios.knowledge.answer import Answerer
from aios.planner.protocol import Planner
from aios.policy import PolicyEngine
from aios.policy.masking import Masker
from aios.toolbox import Caller, Toolbox


@dataclass(frozen=True)
class GraphDeps:
    planner: Planner
    toolbox: Toolbox
    policy: PolicyEngine
    ledger: ApprovalLedger
    knowledge: Answerer | None = None
    masker: Masker | None = None


class _Node(Protocol):
    deps: GraphDeps


N = TypeVar("N", bound=_Node)
P = ParamSpec("P")
R = TypeVar("R")


def audited_together(
    node: Callable[Concatenate[N, P], R],
) -> Callable[Concatenate[N, P], R | Command[str]]:
    """Run ``node`` with its audit rows held: they reach the trail in one transaction (and one
    head write) before any event leaves the node, before any write is sent (``Toolbox``) and
    when it returns, so a checkpoint never gets ahead of the rows of its step. A node that
    dies before then re-runs from its start on recovery, and records its rows again.
    """

    @functools.wraps(node)
    def run(self: N, /, *args: P.args, **kwargs: P.kwargs) -> R | Command[str]:
        with observability.step(node.__name__) as span:
            try:
                with self.deps.toolbox.trail.together():
                    result: R | Command[str] = node(self, *args, **kwargs)
            except AuditUnavailable as exc:
                # Only held rows get here (a write's own rows are handled where it is sent), so
                # nothing was changed by this node.
                emit(ErrorEvent(code="audit_unavailable", message=f"{exc}; I stopped there."))
                result = Command(goto=END, update={"outcome": "failed"})
            if span.is_recording():
                _trace_result(span, result)
            return result

    return run


def _trace_result(span: Span, result: object) -> None:
    """Where the step sent the run, and how the run ended if it did."""
    update = result.update if isinstance(result, Command) else result
    if isinstance(result, Command) and isinstance(result.goto, str):
        span.set_attribute("aios.next", result.goto)
    if isinstance(update, dict) and "outcome" in update:
        span.set_attribute("aios.run.outcome", str(update["outcome"]))


def emit(event: BaseModel, *, shows_records: bool = True) -> None:
    """Send ``event`` to the caller, after the audit rows held so far: nothing a lookup
    returned is shown before the lookup is on the trail. An event that shows nothing new
    (``shows_records=False``) leaves the rows held, to go with the next ones."""
    if shows_records:
        flush_held()
    get_stream_writer()(event.model_dump(mode="json"))


def caller(state: TurnState, runtime: Runtime[TurnContext], step: str) -> Caller:
    requester = state.get("requester") or runtime.context.user.name
    actor = runtime.context.user.name
    return Caller(
        actor=actor,
        session_id=runtime.context.session_id,
        step=step,
        on_behalf_of=requester if requester != actor else None,
    )
