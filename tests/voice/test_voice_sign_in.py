"""The voice page's sign-in over HTTP: a user name and password give a short-lived key, checked
and throttled as the web chat's sign-in is; sign-out revokes that key and no other; each
sign-in, failed sign-in and sign-out is on the audit trail."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from aios.api.app import create_app
from aios.api.store import open_api_store
from aios.audit.trail import AuditFilter
from aios.identity import demo_users
from aios.users import UserDirectory
from aios.users.sign_in import Throttle

RIGHT = {"user_name": "alice", "password": "demo"}
WRONG = {"user_name": "alice", "password": "not-it"}


@pytest.fixture
def api(runtime, demo_settings):
    return TestClient(create_app(runtime, open_api_store(demo_settings)))


def _bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def _recorded(runtime, kind: str) -> list:
    return runtime.toolbox.trail.newest(AuditFilter(kind=kind), 50)


def test_the_form_names_the_demo_users_and_their_password(api):
    hint = api.get("/v1/voice/sign-in").json()["demo"]
    for name in demo_users():
        assert name in hint
    assert hint.endswith("with the password demo.")


def test_no_demo_hint_once_everyone_has_their_own_password(api, runtime):
    for name in demo_users():
        runtime.users.set_password(name, f"{name}-own-password")
    assert api.get("/v1/voice/sign-in").json() == {"demo": ""}


def test_a_password_gives_a_key_that_works_until_sign_out(api, runtime):
    before = datetime.now(UTC)
    answer = api.post("/v1/voice/sign-in", json={**RIGHT, "user_name": " Alice "})
    assert answer.status_code == 200, answer.text
    signed = answer.json()
    assert (signed["user"], signed["role"]) == ("alice", demo_users()["alice"].role)
    expires = datetime.fromisoformat(signed["expires_at"])
    assert before + timedelta(hours=8) <= expires <= datetime.now(UTC) + timedelta(hours=8)
    key = _bearer(signed["key"])
    assert api.post("/v1/sessions", headers=key).status_code == 201

    assert api.post("/v1/voice/sign-out", headers=key).status_code == 204

    refused = api.post("/v1/sessions", headers=key)
    assert refused.status_code == 401
    assert api.post("/v1/voice/sign-out", headers=key).status_code == 401
    [made] = [k for k in runtime.users.keys("alice") if k.label == "voice sign-in"]
    assert made.revoked_at is not None
    [signed_in] = _recorded(runtime, "user.signed_in")
    [signed_out] = _recorded(runtime, "user.signed_out")
    for record in (signed_in, signed_out):
        assert record.actor == "alice" and record.session_id == made.id
        assert record.arguments["channel"] == "voice"
        assert record.arguments["client"] == "testclient"


def test_a_wrong_password_or_unknown_user_is_refused_alike_and_recorded(api, runtime):
    for attempt in (WRONG, {"user_name": "mallory", "password": "demo"}):
        answer = api.post("/v1/voice/sign-in", json=attempt)
        assert answer.status_code == 401
        assert answer.json()["detail"] == "Wrong user name or password."
        assert answer.json()["code"] == "unauthorized"
    assert runtime.users.keys("alice") == []
    failed = _recorded(runtime, "user.sign_in_failed")
    assert sorted(r.actor for r in failed) == ["alice", "mallory"]
    assert all(r.arguments["locked_until"] is None for r in failed)
    assert _recorded(runtime, "user.signed_in") == []


def test_failed_sign_ins_are_throttled_like_the_chats(api, runtime):
    tries = Throttle().max_failures
    for _ in range(tries - 1):
        assert api.post("/v1/voice/sign-in", json=WRONG).status_code == 401
    locked = api.post("/v1/voice/sign-in", json=WRONG)
    assert locked.status_code == 429
    assert 1 <= int(locked.headers["Retry-After"]) <= 30
    assert "Too many failed sign-ins" in locked.json()["detail"]

    # While locked out, even the right password is not taken, for that user or this client.
    assert api.post("/v1/voice/sign-in", json=RIGHT).status_code == 429
    other = {"user_name": "bob", "password": "demo"}
    assert api.post("/v1/voice/sign-in", json=other).status_code == 429
    assert runtime.users.keys("alice") == []
    [last] = _recorded(runtime, "user.sign_in_failed")[:1]
    assert last.arguments["locked_until"] is not None


def test_sign_out_leaves_an_admins_key_alone(api, runtime):
    token = runtime.users.add_key("alice", "intranet")[1]
    refused = api.post("/v1/voice/sign-out", headers=_bearer(token))
    assert refused.status_code == 403 and refused.json()["code"] == "not_allowed"
    assert api.post("/v1/sessions", headers=_bearer(token)).status_code == 201
    assert _recorded(runtime, "user.signed_out") == []


def test_a_key_past_its_lifetime_stops_working(runtime):
    now = [datetime(2027, 1, 4, 9, 0, tzinfo=UTC)]
    directory = UserDirectory(runtime.users.engine, runtime.users.roles, clock=lambda: now[0])
    key, token = directory.add_key("alice", "voice sign-in", lifetime=timedelta(hours=1))
    assert key.expires_at == now[0] + timedelta(hours=1)
    now[0] += timedelta(minutes=59)
    assert directory.resolve_key(token) is not None
    now[0] += timedelta(minutes=1)
    assert directory.resolve_key(token) is None
    [listed] = directory.keys("alice")
    assert listed.expires_at == key.expires_at
