"""Print the API's OpenAPI document: ``python -m aios.api.openapi > docs/openapi.json``.

The document depends only on the routes and models, so it is built without loading a model
or opening a database.
"""

from __future__ import annotations

import json
from types import SimpleNamespace
from typing import Any, cast

from aios.api.app import create_app
from aios.settings import Settings


def document() -> dict[str, Any]:
    # Building the app reads only the runtime's settings; the routes read the rest (the
    # ledger, the masker, the store) when called, and none is called here.
    runtime = SimpleNamespace(settings=Settings(), ledger=None, masker=None)
    return create_app(cast(Any, runtime), cast(Any, None)).openapi()


if __name__ == "__main__":
    print(json.dumps(document(), indent=2, sort_keys=True))
