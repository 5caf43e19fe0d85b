"""The HTTP API over the real assistant (FastAPI's test client: the ASGI app in process)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from aios.api.app import create_app
from aios.api.store import open_api_store
from aios.limits import MAX_MESSAGE_CHARS, MAX_REASON_CHARS
from connectors.demo import _planted as planted
from connectors.erp.models import Refund

OPENAPI = Path(__file__).parents[2] / "docs" / "openapi.json"


@pytest.fixture
def api(runtime, demo_settings):
    return TestClient(create_app(runtime, open_api_store(demo_settings)))


@pytest.fixture
def keys(runtime):
    return {name: runtime.users.add_key(name, "tests")[1] for name in ("alice", "bob", "dave")}


def _as(keys, name):
    return {"Authorization": f"Bearer {keys[name]}"}


def _session(api, keys, name="alice"):
    created = api.post("/v1/sessions", headers=_as(keys, name))
    assert created.status_code == 201, created.text
    return created.json()["id"]


def _refunds(rows, invoice, cents):
    return [r for r in rows("erp", Refund) if r.invoice_id == invoice and r.amount_cents == cents]


def test_health_needs_no_key_and_everything_else_does(api, keys, runtime):
    assert api.get("/v1/health").json() == {"status": "ok"}
    for headers in ({}, {"Authorization": "Bearer aios_nope"}, {"Authorization": keys["alice"]}):
        refused = api.get("/v1/me", headers=headers)
        assert refused.status_code == 401
        assert refused.headers["content-type"] == "application/problem+json"
        assert refused.json()["code"] == "unauthorized"
    assert api.get("/v1/me", headers=_as(keys, "alice")).json()["role"] == "agent"
    [key] = [k for k in runtime.users.keys("bob")]
    runtime.users.revoke_key(key.id)
    assert api.get("/v1/me", headers=_as(keys, "bob")).status_code == 401


def test_a_confirmed_refund_over_the_api(api, keys, rows):
    session = _session(api, keys)
    turn = api.post(
        f"/v1/sessions/{session}/messages",
        json={"text": "refund $12.34 on SO-1042"},
        headers=_as(keys, "alice"),
    ).json()
    assert turn["status"] == "awaiting_confirmation"
    assert [e["type"] for e in turn["events"]] == ["plan", "confirmation_required", "done"]
    pending = api.get(f"/v1/sessions/{session}/pending", headers=_as(keys, "alice")).json()
    assert pending["args"]["amount"] == "12.34"
    shown = {"confirmation_id": pending["id"], "args_hash": pending["args_hash"]}
    done = api.post(
        f"/v1/sessions/{session}/decision",
        json={"answer": "approve", **shown},
        headers=_as(keys, "alice"),
    ).json()
    assert done["status"] == "completed"
    assert len(_refunds(rows, planted.DAMAGED_INVOICE, 1234)) == 1
    said = api.get(f"/v1/sessions/{session}/transcript", headers=_as(keys, "alice")).json()
    assert said[0]["said"] == "refund $12.34 on SO-1042" and said[0]["event"]["type"] == "plan"


def test_another_users_session_does_not_exist_for_them(api, keys):
    session = _session(api, keys)
    for path in ("pending", "transcript"):
        missing = api.get(f"/v1/sessions/{session}/{path}", headers=_as(keys, "bob"))
        assert (missing.status_code, missing.json()["code"]) == (404, "not_found")
    posted = api.post(
        f"/v1/sessions/{session}/messages", json={"text": "hi"}, headers=_as(keys, "bob")
    )
    assert posted.status_code == 404
    assert [s["id"] for s in api.get("/v1/sessions", headers=_as(keys, "bob")).json()] == []


def test_a_retried_message_is_the_same_turn(api, keys, rows):
    session = _session(api, keys)
    headers = {**_as(keys, "alice"), "Idempotency-Key": "msg-1"}
    body = {"text": "refund $7 on SO-1042"}
    first = api.post(f"/v1/sessions/{session}/messages", json=body, headers=headers).json()
    again = api.post(f"/v1/sessions/{session}/messages", json=body, headers=headers).json()
    assert first == again
    said = api.get(f"/v1/sessions/{session}/transcript", headers=_as(keys, "alice")).json()
    assert [e["event"]["type"] for e in said].count("plan") == 1
    other = api.post(
        f"/v1/sessions/{session}/messages", json={"text": "refund $8 on SO-1042"}, headers=headers
    )
    assert (other.status_code, other.json()["code"]) == (422, "idempotency_conflict")
    scraped = api.get("/metrics", headers=_as(keys, "alice")).text
    assert "aios_turn_seconds_count 1.0" in scraped  # the turn is counted, its replay is not


def test_events_stream_as_server_sent_events(api, keys):
    session = _session(api, keys)
    headers = {**_as(keys, "alice"), "Accept": "text/event-stream"}
    with api.stream(
        "POST",
        f"/v1/sessions/{session}/messages",
        json={"text": "what can you do?"},
        headers=headers,
    ) as streamed:
        assert streamed.headers["content-type"].startswith("text/event-stream")
        lines = [line for line in streamed.iter_lines() if line]
    kinds = [line.split(": ", 1)[1] for line in lines if line.startswith("event:")]
    assert kinds == ["message", "done"]
    data = [json.loads(line.split(": ", 1)[1]) for line in lines if line.startswith("data:")]
    assert "I can help" in data[0]["text"]


def test_four_eyes_over_the_api(api, keys, rows):
    session = _session(api, keys)
    asked = api.post(
        f"/v1/sessions/{session}/messages",
        json={"text": f"refund $600 on {planted.PLATINUM_PAID_INVOICE}"},
        headers=_as(keys, "alice"),
    ).json()
    approval_id = asked["events"][1]["approval_id"]
    waiting = api.get("/v1/approvals", headers=_as(keys, "dave")).json()["waiting"]
    assert [a["id"] for a in waiting] == [approval_id]
    assert api.get("/v1/approvals", headers=_as(keys, "bob")).json()["waiting"] == []
    own = api.post(
        f"/v1/approvals/{approval_id}/decision",
        json={"answer": "approve"},
        headers=_as(keys, "alice"),
    )
    assert (own.status_code, own.json()["code"]) == (403, "not_allowed")
    assert "your own request" in own.json()["detail"]
    wrong_role = api.post(
        f"/v1/approvals/{approval_id}/decision",
        json={"answer": "approve"},
        headers=_as(keys, "bob"),
    )
    assert (wrong_role.status_code, wrong_role.json()["code"]) == (403, "not_allowed")
    done = api.post(
        f"/v1/approvals/{approval_id}/decision",
        json={"answer": "approve"},
        headers=_as(keys, "dave"),
    ).json()
    assert done["status"] == "completed"
    assert len(_refunds(rows, planted.PLATINUM_PAID_INVOICE, 60000)) == 1
    unknown = api.post(
        "/v1/approvals/AP-NOPE/decision", json={"answer": "approve"}, headers=_as(keys, "dave")
    )
    assert unknown.status_code == 404


def test_a_rejection_over_the_api_keeps_its_reason_and_tells_the_requester(api, keys, rows):
    session = _session(api, keys)
    asked = api.post(
        f"/v1/sessions/{session}/messages",
        json={"text": f"refund $600 on {planted.PLATINUM_PAID_INVOICE}"},
        headers=_as(keys, "alice"),
    ).json()
    approval_id = asked["events"][1]["approval_id"]
    decision = f"/v1/approvals/{approval_id}/decision"
    for bad in (
        {"answer": "approve", "reason": "fine"},
        {"answer": "reject", "reason": "x" * (MAX_REASON_CHARS + 1)},
    ):
        refused = api.post(decision, json=bad, headers=_as(keys, "dave"))
        assert (refused.status_code, refused.json()["code"]) == (422, "invalid_input")
    said = api.post(
        decision,
        json={"answer": "reject", "reason": "Over the goodwill limit."},
        headers=_as(keys, "dave"),
    ).json()
    assert said["status"] == "cancelled"
    assert _refunds(rows, planted.PLATINUM_PAID_INVOICE, 60000) == []
    [mine] = api.get("/v1/approvals", headers=_as(keys, "alice")).json()["mine"]
    assert (mine["status"], mine["rejection_reason"]) == ("rejected", "Over the goodwill limit.")
    told = api.post(
        f"/v1/sessions/{session}/messages", json={"text": "hi"}, headers=_as(keys, "alice")
    ).json()
    notices = [e["text"] for e in told["events"] if "rejected by dave" in e.get("text", "")]
    assert len(notices) == 1
    assert "rejected by dave: Over the goodwill limit. Nothing" in notices[0]
    assert notices[0].count("goodwill") == 1  # the outcome repeats the reason; said once


@pytest.mark.parametrize(
    "body", [{}, {"text": ""}, {"text": "x" * (MAX_MESSAGE_CHARS + 1)}, {"txt": "hi"}]
)
def test_a_malformed_message_is_a_clear_problem(api, keys, body):
    session = _session(api, keys)
    bad = api.post(f"/v1/sessions/{session}/messages", json=body, headers=_as(keys, "alice"))
    assert bad.status_code == 422
    assert bad.json()["code"] == "invalid_input" and "text" in bad.json()["detail"]


def test_the_checked_in_openapi_document_matches_the_app(api):
    assert json.loads(OPENAPI.read_text()) == api.app.openapi(), (
        "docs/openapi.json is stale: python -m aios.api.openapi > docs/openapi.json"
    )
