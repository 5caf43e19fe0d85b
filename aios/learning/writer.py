"""Learning signals are written off the turn's critical path, in order, by one thread."""

from __future__ import annotations

import atexit
import logging
import queue
import threading
import time
from collections.abc import Callable

from sqlalchemy import Engine
from sqlmodel import Session

log = logging.getLogger(__name__)
Write = Callable[[Session], None]
FLUSH_AT_EXIT_S = 5.0
QUIET_S = 0.05
"""Writes wait for this long a pause in the reports: a turn's own commits then seldom queue
behind the learning rows for the database's one write lock."""
MOST_HELD_S = 1.0
"""…but never longer than this, however busy the process: then they go in one transaction."""


class Writer:
    """Runs the writes it is given, in order, on a thread of its own, those that come close
    together in one transaction. A batch that fails is logged and dropped: learning only
    proposes examples for people to review, so it never holds up or fails a turn."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._queue: queue.Queue[Write] = queue.Queue()
        self._thread: threading.Thread | None = None
        self._start = threading.Lock()

    def submit(self, write: Write) -> None:
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
            batch = self._batch()
            try:
                with Session(self.engine) as session:
                    for write in batch:
                        write(session)
                        session.flush()
                    session.commit()
            except Exception:
                log.exception("could not record %d learning signals", len(batch))
            finally:
                for _write in batch:
                    self._queue.task_done()

    def _batch(self) -> list[Write]:
        batch = [self._queue.get()]
        until = time.monotonic() + MOST_HELD_S
        while (left := until - time.monotonic()) > 0:
            try:
                batch.append(self._queue.get(timeout=min(QUIET_S, left)))
            except queue.Empty:
                break
        return batch
