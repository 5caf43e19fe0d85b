"""What every planner takes and gives back, embedded or LLM-backed."""

from __future__ import annotations

from typing import Annotated, Any, Literal, Protocol

from pydantic import BaseModel, Field


class Pending(BaseModel):
    """A request waiting for one more piece of information from the user."""

    skill: str
    text: str = Field(description="The request as first said.")
    message: str = Field(description="The whole message it came from.")
    slots: dict[str, Any] = Field(default_factory=dict)
    missing: str = Field(description="The slot the question asked for.")
    options: dict[str, str] = Field(
        default_factory=dict, description="For a choice between records: id -> label."
    )


class LastRequest(BaseModel):
    """The last planned request, so that "no, make it $40" can change it."""

    skill: str
    text: str
    message: str = Field(description="The whole message the request came from.")
    slots: dict[str, Any] = Field(default_factory=dict)
    matched: str = Field(
        "", description="The request as the skill matcher saw it: names and record ids masked."
    )


class Heard(BaseModel):
    """A message answered without a plan (a question, or one that matched no skill)."""

    text: str = Field(description="As the skill matcher saw it: names and record ids masked.")
    skill: str | None = Field(description="The skill that answered it; None: no skill matched.")


class Memory(BaseModel):
    """What the conversation remembers between turns. Plain data: it is checkpointed."""

    refs: dict[str, str] = Field(
        default_factory=dict, description="Record kind -> the id last referred to."
    )
    last: list[LastRequest] = Field(
        default_factory=list, description="The requests of the last plan, in order."
    )
    pending: Pending | None = None
    shown: dict[str, list[str]] = Field(
        default_factory=dict,
        description="Record kind -> the ids of the last list shown, in order (for 'the 2nd one').",
    )
    heard: Heard | None = Field(
        None, description="This message, when it was answered rather than planned."
    )
    confirming: bool = Field(
        False, description="This message was typed while the last plan waited for a yes."
    )


class PlanRequest(BaseModel):
    text: str
    user: str
    role: str
    memory: Memory = Field(default_factory=Memory)


class PlannedStep(BaseModel):
    name: str
    tool: str
    args: dict[str, Any]
    description: str
    account_tier: str | None = None


class PlanPart(BaseModel):
    """One request of a message: a skill, its steps, and how to word the outcome."""

    skill: str
    steps: list[PlannedStep]
    reply: str = Field(description="Template rendered with `values` and the steps' results.")
    values: dict[str, Any] = Field(default_factory=dict)


class Plan(BaseModel):
    kind: Literal["plan"] = "plan"
    understood: str
    confidence: float
    parts: list[PlanPart]


class Clarify(BaseModel):
    kind: Literal["clarify"] = "clarify"
    question: str
    options: list[str] = Field(default_factory=list)


class KnowledgeQuery(BaseModel):
    kind: Literal["knowledge"] = "knowledge"
    question: str


class ApprovalsQuery(BaseModel):
    """The user asks what waits for their decision, and where their own requests stand."""

    kind: Literal["approvals"] = "approvals"


class DirectReply(BaseModel):
    kind: Literal["reply"] = "reply"
    text: str


PlannerOutput = Annotated[
    Plan | Clarify | KnowledgeQuery | ApprovalsQuery | DirectReply, Field(discriminator="kind")
]


PlannerName = Literal["embedded", "llm"]


class Route(BaseModel):
    """Which planner decided a message and why, and what the model's part cost: recorded with
    the turn when a chat model is configured (``AIOS_PLANNER=llm`` or ``auto``)."""

    planner: PlannerName
    reason: str = Field(description="Why this planner's answer stands, for people to read.")
    model_failed: bool = Field(False, description="The model was asked and gave no usable answer.")
    tokens_in: int = Field(0, description="Prompt tokens of the model calls of this message.")
    tokens_out: int = Field(0, description="Answer tokens of the model calls of this message.")
    cost_usd: float = Field(0.0, description="Their price at the configured rates.")


class PlanResult(BaseModel):
    output: PlannerOutput
    memory: Memory
    route: Route | None = None


class ReadTools(Protocol):
    def read(self, tool: str, args: dict[str, Any]) -> dict[str, Any]:
        """Run a READ operation and return its result as JSON-ready data."""
        ...


class Planner(Protocol):
    def plan(self, request: PlanRequest, tools: ReadTools) -> PlanResult:
        """Understand ``request``; ``tools`` looks records up (reads only, audited)."""
        ...
