"""Learning signals are written off the turn's critical path, in order, by one thread."""

from __future__ import annotations

import atexit
import logging
import queue
import threading
from collections.abc import Callable

log = logging.getLogger(__name__)
FLUSH_AT_EXIT_S = 5.0


class Writer:
    """Runs the writes it is given one after another on a thread of its own. A write that
    fails is logged and dropped: learning only proposes examples for people to review, so it
    never holds up or fails a turn."""

    def __init__(self) -> None:
        self._queue: queue.Queue[Callable[[], None]] = queue.Queue()
        self._thread: threading.Thread | None = None
        self._start = threading.Lock()

    def submit(self, write: Callable[[], None]) -> None:
        with self._start:
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._work, name="aios-learning", daemon=True
                )
                self._thread.start()
                atexit.register(self.drain, FLUSH_AT_EXIT_S)
        self._queue.put(write)

    def drain(self, timeout: float | None = None) -> bool:
        """Wait until everything submitted so far is written; False if ``timeout`` ran out."""
        done = self._queue.all_tasks_done
        with done:
            return done.wait_for(lambda: not self._queue.unfinished_tasks, timeout)

    def _work(self) -> None:
        while True:
            write = self._queue.get()
            try:
                write()
            except Exception:
                log.exception("could not record a learning signal")
            finally:
                self._queue.task_done()
