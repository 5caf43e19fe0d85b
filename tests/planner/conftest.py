"""A conversation with the real assistant on the seeded demo company, for the planner's tests."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from aios.assistant.factory import build_runtime
from aios.identity import demo_users


@pytest.fixture
def chat_as(demo_settings, embedder) -> Callable[[str], Callable[..., list[Any]]]:
    """``chat_as("carol")``: ``say(session, text, who=carol)``, the events of one message."""
    runtime = build_runtime(demo_settings, embedder=embedder)
    users = demo_users()

    def speaker(default: str) -> Callable[..., list[Any]]:
        def say(session: str, text: str, who: str = default) -> list[Any]:
            return list(runtime.assistant.handle(session, users[who], text))

        return say

    return speaker


@pytest.fixture
def chat(chat_as):
    """A conversation where carol (a senior agent) speaks unless another user is named."""
    return chat_as("carol")
