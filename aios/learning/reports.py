"""What a finished run of the graph tells the learning loop, read from its state."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from aios.learning.models import RunReport, Said
from aios.planner.embedded import is_correction
from aios.planner.protocol import Memory, Plan


def said_in(values: Mapping[str, Any]) -> list[Said]:
    """The requests of the plan in ``values`` (a graph state), with the words matched."""
    if not values.get("plan"):
        return []
    plan = Plan.model_validate(values["plan"])
    memory = Memory.model_validate(values.get("memory") or {})
    # The planner remembers the plan's requests in the plan's order; the LLM planner none.
    matched = [last.matched for last in memory.last] if len(memory.last) == len(plan.parts) else []
    return [
        Said(skill=part.skill, text=matched[i] if matched else "")
        for i, part in enumerate(plan.parts)
    ]


def report_of(
    session_id: str,
    values: Mapping[str, Any],
    outcome: str,
    decision: Mapping[str, Any] | None,
    latency_ms: float | None,
) -> RunReport:
    requester = str(values.get("requester") or "")
    memory = Memory.model_validate(values.get("memory") or {})
    plan = values.get("plan")
    return RunReport(
        session_id=session_id,
        user=requester,
        turn=values.get("turn"),
        requests=said_in(values),
        confidence=plan.get("confidence") if isinstance(plan, dict) else None,
        outcome=outcome,
        answer=decision.get("answer") if decision else None,
        by_requester=decision is None or decision.get("user") == requester,
        heard=Said(skill=memory.heard.skill or "", text=memory.heard.text)
        if memory.heard
        else None,
        text=str(values.get("text") or ""),
        correction=is_correction(str(values.get("text") or "")),
        latency_ms=latency_ms,
    )
