"""``AIOS_PLANNER=auto``: the embedded planner first, the chat model only when it is unsure.

The embedded planner answers most messages in milliseconds, offline and at no cost; a chat model
is slower and is paid per token. So every message goes to the embedded planner, and only one it
could not place (no skill near enough, or a plan below its threshold) is handed to the model. If
the model then fails (no answer in time, an error, an answer that cannot be used), the embedded
planner's own answer stands: the operator is never left with less than ``embedded`` gives.
Each message records which planner decided, why, and the model's tokens and cost.
"""

from __future__ import annotations

from aios.planner.llm import LLMPlanner, ModelFailed
from aios.planner.protocol import Planner, PlanRequest, PlanResult, ReadTools, Route


class RoutingPlanner:
    def __init__(self, embedded: Planner, llm: LLMPlanner, *, threshold: float) -> None:
        self.embedded = embedded
        self.llm = llm
        self.threshold = threshold

    def plan(self, request: PlanRequest, tools: ReadTools) -> PlanResult:
        first = self.embedded.plan(request, tools)
        unsure = self.unsure(first)
        if unsure is None:
            return first.model_copy(update={"route": Route(planner="embedded", reason="sure")})
        try:
            output, usage = self.llm.consult(request, tools)
        except ModelFailed as failed:
            reason = f"{unsure}; the model failed: {failed.cause}"
            route = failed.usage.route("embedded", reason, self.llm.prices, failed=True)
            return first.model_copy(update={"route": route})
        # What the embedded planner noted of this message (what it did not understand, for the
        # learning loop) is kept; what it planned is not, as the model's answer replaces it.
        memory = first.memory if first.output.kind != "plan" else request.memory
        route = usage.route("llm", unsure, self.llm.prices)
        return PlanResult(output=output, memory=memory, route=route)

    def unsure(self, result: PlanResult) -> str | None:
        """Why the embedded planner's answer should not stand, or None when it should."""
        heard = result.memory.heard
        if heard is not None and heard.skill is None:
            return "no skill matched"
        output = result.output
        if output.kind == "plan" and output.confidence < self.threshold:
            return f"confidence {output.confidence:.2f} below {self.threshold:.2f}"
        return None
