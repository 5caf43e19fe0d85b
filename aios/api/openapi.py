"""Print the API's OpenAPI document: ``python -m aios.api.openapi > docs/openapi.json``.

The document depends only on the routes and models, so it is built without loading a model
or opening a database.
"""

from __future__ import annotations

import json
from types import SimpleNamespace
from typing import Any, cast

from fastapi import FastAPI

from aios.api.app import create_app
from aios.settings import Settings


def routes_only() -> FastAPI:
    """The API's app with its routes and pages but no runtime: building it reads only the
    runtime's settings; the routes read the rest (the ledger, the masker, the store) when
    called, so any route but the documentation's fails."""
    runtime = SimpleNamespace(settings=Settings(), ledger=None, masker=None)
    return create_app(cast(Any, runtime), cast(Any, None))


def document() -> dict[str, Any]:
    return routes_only().openapi()


if __name__ == "__main__":
    print(json.dumps(document(), indent=2, sort_keys=True))
