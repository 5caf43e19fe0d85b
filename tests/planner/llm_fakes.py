"""LangChain's fake chat model, made to take tools, keep what it was sent, and fail as a
hanging endpoint does: the only fakes of the LLM planner's tests (the model is the edge)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage
from pydantic import Field


class ToolCallingFake(GenericFakeChatModel):
    """LangChain's fake chat model that also takes tools, and keeps what it was sent."""

    tools: list[dict[str, Any]] = Field(default_factory=list)
    bound: dict[str, Any] = Field(default_factory=dict)
    seen: list[list[Any]] = Field(default_factory=list)

    def bind_tools(self, tools, **kwargs):
        self.tools, self.bound = list(tools), kwargs
        return self

    def _generate(self, messages, *args, **kwargs):
        self.seen.append(list(messages))
        return super()._generate(messages, *args, **kwargs)


class Unanswering(ToolCallingFake):
    """Every call times out, as the provider's HTTP client reports a hanging endpoint."""

    messages: Iterator[AIMessage | str] = Field(default_factory=lambda: iter(()))

    def _generate(self, messages, *args, **kwargs):
        self.seen.append(list(messages))
        raise httpx.ReadTimeout("timed out")


def call(name: str, **args: Any) -> dict[str, Any]:
    return {"name": name, "args": args, "id": f"call-{name}"}


def fake(*replies: AIMessage) -> ToolCallingFake:
    return ToolCallingFake(messages=iter(replies))
