"""The one runtime of a serving process, shared by the web chat and, under ``aios serve``, the
HTTP API beside it: one model load, one set of stores, one approval ledger."""

from __future__ import annotations

import threading

from aios import observability
from aios.assistant.factory import Runtime, build_runtime
from aios.settings import Settings

_runtime: Runtime | None = None
_lock = threading.Lock()


def process_runtime() -> Runtime:
    """The process's runtime, built on first use (it loads the embedding model: seconds)."""
    global _runtime
    with _lock:
        if _runtime is None:
            settings = Settings()
            observability.configure(settings, server=True)
            _runtime = build_runtime(settings)
        return _runtime
