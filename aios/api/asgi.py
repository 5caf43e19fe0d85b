"""The API as an ASGI app factory, so that every uvicorn worker process builds its own runtime:
``uvicorn --factory aios.api.asgi:api_app`` (what ``aios api --workers N`` runs)."""

from __future__ import annotations

from fastapi import FastAPI

from aios.api.app import create_app
from aios.api.store import open_api_store
from aios.assistant.factory import build_runtime
from aios.settings import Settings


def api_app() -> FastAPI:
    """The HTTP API over a runtime built from the environment's settings."""
    settings = Settings()
    return create_app(build_runtime(settings), open_api_store(settings))
