"""The web chat's small helpers: commands, the worker thread, the offline page."""

from __future__ import annotations

import asyncio
import importlib.util
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from aios.assistant.threads import iterate_in_thread
from aios.web import commands
from aios.web.offline import strip_external


def test_pending_takes_an_optional_session() -> None:
    assert commands.parse("/pending") == commands.Pending(None)
    assert commands.parse("  /PENDING web-42 ") == commands.Pending("web-42")
    assert commands.parse("/pending a b") == commands.Unknown("pending")
    assert commands.parse("/approve web-42") == commands.Unknown("approve")
    assert commands.parse("/approvals") == commands.Approvals()
    assert commands.parse("/approvals all") == commands.Unknown("approvals")


def test_anything_else_is_a_message_for_the_assistant() -> None:
    assert commands.parse("refund $45 on SO-1042") is None
    assert commands.parse("") is None
    assert commands.parse("and/or") is None


def test_a_thread_maps_to_one_assistant_session() -> None:
    assert commands.session_for_thread("abc") == "web-abc"


def test_events_arrive_as_they_are_made_all_from_one_worker_thread() -> None:
    second_may_come = threading.Event()
    threads: list[int] = []

    def produce() -> Iterator[int]:
        threads.append(threading.get_ident())
        yield 1
        # Blocks until the consumer has seen the first item: proves streaming, not batching.
        assert second_may_come.wait(5)
        threads.append(threading.get_ident())
        yield 2

    async def consume() -> list[int]:
        seen = []
        async for item in iterate_in_thread(produce):
            seen.append(item)
            second_may_come.set()
        return seen

    assert asyncio.run(consume()) == [1, 2]
    assert len(set(threads)) == 1
    assert threads[0] != threading.get_ident()


def test_a_failure_in_the_worker_reaches_the_consumer() -> None:
    def produce() -> Iterator[int]:
        yield 1
        raise RuntimeError("system down")

    async def consume() -> list[int]:
        return [item async for item in iterate_in_thread(produce)]

    with pytest.raises(RuntimeError, match="system down"):
        asyncio.run(consume())


def test_chainlit_page_keeps_its_own_assets_and_nothing_from_elsewhere() -> None:
    spec = importlib.util.find_spec("chainlit")
    assert spec and spec.submodule_search_locations
    package = Path(next(iter(spec.submodule_search_locations)))
    page = (package / "frontend" / "dist" / "index.html").read_text()
    assert "https://" in page  # Chainlit's page does link other hosts ...
    stripped = strip_external(page)
    assert "<link" in stripped and "/assets/" in stripped
    for tag in ("fonts.googleapis.com", "fonts.gstatic.com", "cdn.jsdelivr.net"):
        assert tag not in stripped  # ... and after stripping, none of them
