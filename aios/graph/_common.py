"""What every node needs: its dependencies, the event writer, and who the caller is."""

from __future__ import annotations

from dataclasses import dataclass

from langgraph.config import get_stream_writer
from langgraph.runtime import Runtime
from pydantic import BaseModel

from aios.approvals import ApprovalLedger
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


def emit(event: BaseModel) -> None:
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
