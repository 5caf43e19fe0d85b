from __future__ import annotations

import pytest

from aios.eval.runner import Runner


@pytest.fixture(scope="session")
def runner(embedder):
    """One runner for the whole session: the demo data is seeded once, vectors are cached."""
    with Runner(embedder) as shared:
        yield shared
