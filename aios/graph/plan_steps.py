"""Walking a plan's steps in order across its parts."""

from __future__ import annotations

from typing import Any

from aios.approvals import args_hash
from aios.planner.protocol import Plan, PlannedStep


def flatten(plan: Plan) -> list[tuple[int, PlannedStep]]:
    return [(index, step) for index, part in enumerate(plan.parts) for step in part.steps]


def idempotency_key(session_id: str, turn: str, cursor: int, args: dict[str, Any]) -> str:
    """Same conversation, message, step and arguments: same key, so a retry writes once."""
    return f"{session_id}:{turn}:{cursor}:{args_hash(args)[:16]}"
