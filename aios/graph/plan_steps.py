"""Walking a plan's steps in order across its parts."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from aios.planner.protocol import Plan, PlannedStep


def flatten(plan: Plan) -> list[tuple[int, PlannedStep]]:
    return [(index, step) for index, part in enumerate(plan.parts) for step in part.steps]


def idempotency_key(session_id: str, turn: str, cursor: int, args: dict[str, Any]) -> str:
    """Same conversation, message, step and arguments: same key, so a retry writes once."""
    digest = hashlib.sha256(json.dumps(args, sort_keys=True, default=str).encode()).hexdigest()
    return f"{session_id}:{turn}:{cursor}:{digest[:16]}"
