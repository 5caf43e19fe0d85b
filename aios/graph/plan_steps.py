"""Walking a plan's steps in order across its parts."""

from __future__ import annotations

from typing import Any

from aios.approvals import args_hash
from aios.planner.protocol import Plan, PlannedStep
from connectors.errors import InvalidInput
from connectors.registry import Registry


def flatten(plan: Plan) -> list[tuple[int, PlannedStep]]:
    return [(index, step) for index, part in enumerate(plan.parts) for step in part.steps]


def with_actor(plan: Plan, person: str, registry: Registry) -> Plan:
    """``plan`` with every field naming who acts (``ActingPerson``) set to ``person``, so what
    is shown, confirmed and approved is what the toolbox will send (it sets them again)."""

    def bound(step: PlannedStep) -> PlannedStep:
        try:
            args = registry.get(step.tool).with_actor(step.args, person)
        except InvalidInput:
            return step  # an unknown tool: the guard refuses it
        return step if args == step.args else step.model_copy(update={"args": args})

    parts = [p.model_copy(update={"steps": [bound(s) for s in p.steps]}) for p in plan.parts]
    return plan.model_copy(update={"parts": parts})


def idempotency_key(session_id: str, turn: str, cursor: int, args: dict[str, Any]) -> str:
    """Same conversation, message, step and arguments: same key, so a retry writes once."""
    return f"{session_id}:{turn}:{cursor}:{args_hash(args)[:16]}"
