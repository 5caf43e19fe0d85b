"""A run that failed with an error is not replayed behind the person's back (issue 24, point
17): the next message is told what failed and runs on its own; "retry" runs it again. (A run
a crash cut short is still finished: tests/assistant/test_durability.py.)"""

from __future__ import annotations

from typing import Any

import pytest
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage
from pydantic import Field

from aios.assistant.factory import build_runtime
from tests.assistant.conftest import kinds


class FailingOnce(GenericFakeChatModel):
    """A chat model whose first call fails (the model server fell over), and that keeps what
    each call was sent."""

    seen: list[str] = Field(default_factory=list)
    failed: bool = False

    def bind_tools(self, tools: Any, **kwargs: Any) -> FailingOnce:
        return self

    def _generate(self, messages: Any, *args: Any, **kwargs: Any) -> Any:
        self.seen.append(str(messages[-1].content))
        if not self.failed:
            self.failed = True
            raise RuntimeError("the model server went away")
        return super()._generate(messages, *args, **kwargs)


@pytest.fixture
def model() -> FailingOnce:
    return FailingOnce(messages=iter([AIMessage(content="Hello!"), AIMessage(content="Again.")]))


@pytest.fixture
def assistant(demo_settings, embedder, model):
    settings = demo_settings.model_copy(update={"planner": "llm"})
    return build_runtime(settings, embedder=embedder, chat_model=model).assistant


def test_the_failure_is_told_and_the_next_message_does_not_replay_it(assistant, model, users):
    alice = users["alice"]
    failed = list(assistant.handle("f1", alice, "what can you do?"))
    assert kinds(failed) == ["error", "done"] and failed[-1].status == "failed"
    assert failed[0].code == "internal_error" and "retry" in failed[0].message

    events = list(assistant.handle("f1", alice, "hello"))
    assert events[0].type == "message"
    assert "what can you do?" in events[0].text and "failed" in events[0].text
    assert [e.text for e in events if e.type == "message"][1:] == ["Hello!"]
    assert model.seen == ["what can you do?", "hello"]  # the failed turn was not run again

    # Set aside for good: the next message is just that.
    events = list(assistant.handle("f1", alice, "hello again"))
    assert [e.text for e in events if e.type == "message"] == ["Again."]


def test_retry_runs_the_failed_turn_again(assistant, model, users):
    alice = users["alice"]
    list(assistant.handle("f2", alice, "what can you do?"))
    events = list(assistant.handle("f2", alice, "retry"))
    assert [e.text for e in events if e.type == "message"] == [
        "Trying again: “what can you do?”.",
        "Hello!",
    ]
    assert model.seen == ["what can you do?", "what can you do?"]
    assert events[-1].status == "completed"
