"""One documented set of error codes, and one message limit (issue 24.15)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from starlette.exceptions import HTTPException

from aios.api.app import create_app
from aios.api.errors import CODES, code_of
from aios.api.models import MAX_TEXT
from aios.api.store import open_api_store
from aios.learning.routes import STATUS_OF
from aios.limits import MAX_MESSAGE_CHARS

REPO = Path(__file__).parents[2]


def _codes_in_source() -> set[str]:
    """Every literal code an API error is raised or answered with, anywhere in aios."""
    found: set[str] = set()
    for path in [*(REPO / "aios").rglob("*.py"), REPO / "app.py"]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
            at = {"ApiError": 1, "problem": 1, "AudioError": 0}.get(str(name))
            if at is not None and len(node.args) > at:
                code = node.args[at]
                if isinstance(code, ast.Constant) and isinstance(code.value, str) and code.value:
                    found.add(code.value)
    return found | set(STATUS_OF)


def test_every_code_the_api_answers_with_is_documented() -> None:
    used = _codes_in_source()
    assert "invalid_input" in used and "frame_too_large" in used  # the scan finds them
    assert used - set(CODES) == set(), "add these to aios/api/errors.py CODES and the README"
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    table = set(re.findall(r"^\| `([a-z_]+)` \| \d", readme, re.MULTILINE))
    assert table == set(CODES), "the README's error table and CODES differ"


@pytest.mark.parametrize(
    ("status", "code"),
    [(400, "invalid_input"), (404, "not_found"), (405, "method_not_allowed"), (503, "internal")],
)
def test_framework_errors_get_their_documented_code(status: int, code: str) -> None:
    assert code_of(HTTPException(status)) == code
    assert code in CODES


def test_one_message_limit() -> None:
    assert MAX_TEXT == MAX_MESSAGE_CHARS == 8000


@pytest.fixture
def api(runtime, demo_settings):
    return TestClient(create_app(runtime, open_api_store(demo_settings)))


def test_routes_and_methods_that_do_not_exist_are_problems(api, runtime) -> None:
    headers = {"Authorization": f"Bearer {runtime.users.add_key('alice', 'tests')[1]}"}
    missing = api.get("/v1/no-such-route", headers=headers)
    assert missing.status_code == 404
    assert missing.headers["content-type"] == "application/problem+json"
    assert missing.json()["code"] == "not_found"

    wrong = api.delete("/v1/health")
    assert wrong.status_code == 405
    assert wrong.headers["content-type"] == "application/problem+json"
    assert (wrong.json()["code"], wrong.json()["title"]) == (
        "method_not_allowed",
        "Method not allowed",
    )
    assert "GET" in wrong.headers["allow"]

    session = api.post("/v1/sessions", headers=headers).json()["id"]
    pasted = api.post(
        f"/v1/sessions/{session}/messages", headers=headers, json={"text": "x " * 2500}
    )
    assert pasted.status_code == 200, pasted.text  # 5,000 characters: over the old 4,000
    over = api.post(
        f"/v1/sessions/{session}/messages",
        headers=headers,
        json={"text": "x" * (MAX_MESSAGE_CHARS + 1)},
    )
    assert (over.status_code, over.json()["code"]) == (422, "invalid_input")
