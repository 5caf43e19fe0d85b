"""``aios bench learning``: does the loop make the planner better on requests it never saw?

On throw-away demo data: the planner's skill for every held-out request, then a stream of
conversations as operators have them (a request taken wrongly, then corrected or rephrased,
then confirmed), an owner accepting every candidate the stream left, and the held-out requests
again. The held-out requests share no utterance with the stream.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import yaml
from pydantic import BaseModel, Field

from aios.assistant.factory import Runtime, build_runtime
from aios.demo import scratch_demo
from aios.identity import demo_users
from aios.knowledge.embedder import Embedder
from aios.learning.review import ReviewRefused
from aios.planner.embedded import EmbeddedPlanner
from aios.settings import Settings
from aios.toolbox import BoundReader, Caller

OWNER = "grace"
"""Who reviews in the bench: an admin owns every skill in the demo policy."""
TAKEN = ("corrected", "rejected")
"""What the bench's owner accepts: the hard examples, where the planner was wrong. Confirmed
requests were understood already; an owner skims them, and the bench leaves them."""


class Conversation(BaseModel):
    user: str = "alice"
    said: list[str] = Field(min_length=1)


class Request(BaseModel):
    text: str
    skill: str


class LearningSet(BaseModel):
    stream: list[Conversation] = Field(min_length=1)
    held_out: list[Request] = Field(min_length=1)

    @classmethod
    def load(cls, path: Path) -> LearningSet:
        return cls.model_validate(yaml.safe_load(path.read_text()))


class Accuracy(BaseModel):
    correct: int
    total: int
    accuracy: float
    wrong: list[str] = Field(description="held-out request -> the skill it was taken for")

    @property
    def wrong_texts(self) -> list[str]:
        return [line.rsplit(" -> ", 1)[0] for line in self.wrong]


class LearningBench(BaseModel):
    conversations: int
    candidates: dict[str, int] = Field(description="Candidates the stream left, by kind.")
    accepted: int
    refused: dict[str, int] = Field(description="Candidates the review refused, by reason.")
    before: Accuracy
    after: Accuracy
    improvement: float = Field(description="after.accuracy - before.accuracy")
    broken: list[str] = Field(description="Held-out requests right before and wrong after.")


def run_learning_bench(
    settings: Settings,
    embedder: Embedder,
    data: LearningSet,
    progress: Callable[[str], None] = lambda _: None,
) -> LearningBench:
    with scratch_demo(settings) as scratch:
        runtime = build_runtime(scratch, embedder=embedder)
        progress("held-out requests before")
        before = _accuracy(runtime, data.held_out)
        progress(f"{len(data.stream)} conversations")
        users = demo_users()
        for number, conversation in enumerate(data.stream):
            for text in conversation.said:
                for _event in runtime.assistant.handle(
                    f"bench-{number}", users[conversation.user], text
                ):
                    pass
        candidates = runtime.learning.examples(status="candidate", limit=100_000)
        kinds: dict[str, int] = {}
        refused: dict[str, int] = {}
        for example in candidates:
            kinds[example.kind] = kinds.get(example.kind, 0) + 1
            if example.kind not in TAKEN:
                continue
            try:
                runtime.reviews.accept(example.id, users[OWNER])
            except ReviewRefused as why:
                refused[why.code] = refused.get(why.code, 0) + 1
        progress("held-out requests after")
        after = _accuracy(runtime, data.held_out)
    return LearningBench(
        conversations=len(data.stream),
        candidates=kinds,
        accepted=sum(e.kind in TAKEN for e in candidates) - sum(refused.values()),
        refused=refused,
        before=before,
        after=after,
        improvement=round(after.accuracy - before.accuracy, 3),
        broken=sorted(set(after.wrong_texts) - set(before.wrong_texts)),
    )


def _accuracy(runtime: Runtime, requests: list[Request]) -> Accuracy:
    if not isinstance(runtime.planner, EmbeddedPlanner):
        raise ValueError("the learning bench measures the embedded planner (AIOS_PLANNER=embedded)")
    reader = BoundReader(runtime.toolbox, Caller(actor="bench", session_id="bench", step="bench"))
    wrong = []
    for request in requests:
        got = runtime.planner.skill_taken(request.text, reader)
        if got != request.skill:
            wrong.append(f"{request.text} -> {got}")
    correct = len(requests) - len(wrong)
    return Accuracy(
        correct=correct,
        total=len(requests),
        accuracy=round(correct / len(requests), 3),
        wrong=wrong,
    )
