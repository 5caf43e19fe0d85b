"""Print the API's OpenAPI document: ``python -m aios.api.openapi > docs/openapi.json``.

The document depends only on the routes and models, so it is built without loading a model
or opening a database.
"""

from __future__ import annotations

import json
from typing import Any, cast

from aios.api.app import create_app


def document() -> dict[str, Any]:
    # The routes read the runtime and store only when called; none is called here.
    return create_app(cast(Any, None), cast(Any, None)).openapi()


if __name__ == "__main__":
    print(json.dumps(document(), indent=2, sort_keys=True))
