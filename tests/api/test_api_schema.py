"""Schemathesis against the checked-in OpenAPI document (which a contract test keeps equal to
the app): generated requests, valid and invalid, to every route of a real server on loopback,
with a real key. No answer may be a server error."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from aios.api.app import create_app
from aios.api.store import open_api_store
from aios.assistant.factory import build_runtime
from aios.demo import seed_demo
from aios.loopback import serve
from tests.settings import checkout_settings

REPO = Path(__file__).parents[2]
schema = schemathesis.openapi.from_dict(json.loads((REPO / "docs" / "openapi.json").read_text()))


@pytest.fixture(scope="module")
def server(tmp_path_factory, embedder) -> Iterator[tuple[str, str]]:
    """One API for all generated requests (a fresh one per route would cost seconds each)."""
    settings = checkout_settings(tmp_path_factory.mktemp("schemathesis"))
    seed_demo(settings)
    runtime = build_runtime(settings, embedder=embedder)
    # Generated requests come fast; the key's rate is not what this test is about.
    key = runtime.users.add_key("dave", "schemathesis", rate_limit="100000/minute")[1]
    with serve(create_app(runtime, open_api_store(settings))) as url:
        yield url, key


@schema.parametrize()
@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_no_request_is_a_server_error(case, server):
    url, key = server
    # Speech is synthesised on the CPU: on a machine busy with other tests it takes longer
    # than schemathesis's default 10 s, which would count as a failure of the server.
    case.call_and_validate(
        base_url=url,
        headers={"Authorization": f"Bearer {key}"},
        checks=[not_a_server_error],
        timeout=30,
    )
