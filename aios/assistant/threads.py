"""Running the synchronous assistant off the event loop (one turn per session at a time is
the core's own lock: ``aios.assistant.locks``)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable, Iterator
from typing import TypeVar

T = TypeVar("T")


class _End:
    pass


class _Failed:
    def __init__(self, error: BaseException) -> None:
        self.error = error


async def iterate_in_thread(produce: Callable[[], Iterator[T]]) -> AsyncIterator[T]:
    """Yield what ``produce()`` yields, as it yields it, while it runs in a worker thread.

    The whole iterator runs in one thread: LangGraph keeps context variables across a stream's
    steps, and those break when each step is resumed from a different thread. If the caller
    stops early (the browser went away), the turn still runs to its end in the thread, so the
    conversation's checkpoint is left whole.
    """
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue[T | _End | _Failed] = asyncio.Queue()

    def put(item: T | _End | _Failed) -> None:
        # RuntimeError: the loop closed under us, so nobody is listening any more.
        with contextlib.suppress(RuntimeError):
            loop.call_soon_threadsafe(queue.put_nowait, item)

    def drain() -> None:
        try:
            for item in produce():
                put(item)
        except Exception as error:
            put(_Failed(error))
        else:
            put(_End())

    loop.run_in_executor(None, drain)
    while True:
        item = await queue.get()
        if isinstance(item, _End):
            return
        if isinstance(item, _Failed):
            raise item.error
        yield item
