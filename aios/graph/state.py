"""What the graph keeps per conversation; plain JSON-ready data, because it is checkpointed."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal, TypedDict

from aios.identity import User

Outcome = Literal[
    "completed", "cancelled", "expired", "failed", "denied", "needs_input", "answered"
]


class TurnState(TypedDict, total=False):
    text: str
    turn: str  # a fresh id per message; idempotency keys derive from it
    memory: dict[str, Any]  # planner Memory
    plan: dict[str, Any] | None  # planner Plan
    cursor: int  # index of the next step of the flattened plan
    results: dict[str, dict[str, Any]]  # part index -> step name -> result
    told: list[int]  # parts whose reply was shown already (lookups done before a confirmation)
    requester: str  # who asked; confirmations and approvals are checked against it
    requester_role: str
    actor: str  # whose decision the run is carrying out (recovery resumes as them)
    actor_role: str
    decision: dict[str, Any] | None  # the policy decision for the step at the cursor
    approval: str | None  # the ledger's approval id when that decision is APPROVE
    repeats: str | None  # the same kind of write on the same record lately, for the card
    asked: str | None  # the id of the confirmation shown for the step at the cursor
    confirmed_by: str | None
    outcome: Outcome
    errors: list[str]


@dataclass(frozen=True)
class TurnContext:
    """Who is talking to the graph in this invocation (a resume may be someone else)."""

    user: User
    session_id: str


class Decision(TypedDict, total=False):
    """What a resume carries: the person's answer to a confirmation."""

    answer: Literal["approve", "reject", "change"]
    user: str
    role: str
    text: str
    expired: bool  # nobody decided in time; the ledger expired the request
