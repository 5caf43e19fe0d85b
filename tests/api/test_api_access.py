"""Who may reach the API and from where: origin-scoped keys, CORS, rate limits, the audit
and knowledge routes by role, readiness and metrics (the real app over FastAPI's client)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from aios.api.app import create_app
from aios.api.store import open_api_store
from aios.assistant.factory import build_runtime
from aios.settings import Transport
from connectors.demo import _planted as planted

PORTAL = "http://portal.intranet.example"
ELSEWHERE = "http://evil.example"


@pytest.fixture
def portal_settings(demo_settings):
    return demo_settings.model_copy(update={"api_cors_origins": [PORTAL]})


@pytest.fixture
def api(portal_settings, embedder):
    runtime = build_runtime(portal_settings, embedder=embedder)
    return TestClient(create_app(runtime, open_api_store(portal_settings)))


def _key(api, name, **scope):
    return api.app.state.runtime.users.add_key(name, "tests", **scope)[1]


def _bearer(token, **extra):
    return {"Authorization": f"Bearer {token}", **extra}


def _session(api, token, **extra):
    created = api.post("/v1/sessions", headers=_bearer(token, **extra))
    assert created.status_code == 201, created.text
    return created.json()["id"]


def test_a_widget_key_works_only_from_its_pages(api):
    token = _key(api, "alice", origins=[PORTAL + "/"])
    assert api.get("/v1/me", headers=_bearer(token, Origin=PORTAL)).json()["name"] == "alice"
    for origin in ({"Origin": ELSEWHERE}, {}):
        refused = api.get("/v1/me", headers=_bearer(token, **origin))
        assert (refused.status_code, refused.json()["code"]) == (403, "origin_not_allowed")
        assert PORTAL in refused.json()["detail"]
    unscoped = _key(api, "alice")
    assert api.get("/v1/me", headers=_bearer(unscoped, Origin=ELSEWHERE)).status_code == 200


def test_cors_answers_only_the_allow_listed_pages(api):
    preflight = {"Access-Control-Request-Method": "POST"}
    allowed = api.options(
        "/v1/sessions",
        headers={
            "Origin": PORTAL,
            **preflight,
            "Access-Control-Request-Headers": "authorization,content-type",
        },
    )
    assert allowed.status_code == 200
    assert allowed.headers["access-control-allow-origin"] == PORTAL
    assert "authorization" in allowed.headers["access-control-allow-headers"].lower()
    other = api.options("/v1/sessions", headers={"Origin": ELSEWHERE, **preflight})
    assert "access-control-allow-origin" not in other.headers
    token = _key(api, "alice", origins=[PORTAL])
    read = api.get("/v1/me", headers=_bearer(token, Origin=PORTAL))
    assert read.headers["access-control-allow-origin"] == PORTAL


def test_cors_origins_come_from_the_environment(monkeypatch, demo_settings):
    monkeypatch.setenv("AIOS_API_CORS_ORIGINS", f"{PORTAL}/, https://Wiki.Intranet.example")
    assert type(demo_settings)().api_cors_origins == [PORTAL, "https://wiki.intranet.example"]
    monkeypatch.setenv("AIOS_API_CORS_ORIGINS", "portal.intranet.example/page")
    with pytest.raises(ValueError, match="not a web origin"):
        type(demo_settings)()


def test_each_key_has_its_own_rate(api):
    slow, other = _key(api, "alice", rate_limit="3/minute"), _key(api, "alice")
    assert [api.get("/v1/me", headers=_bearer(slow)).status_code for _ in range(3)] == [200] * 3
    limited = api.get("/v1/me", headers=_bearer(slow))
    assert (limited.status_code, limited.json()["code"]) == (429, "rate_limited")
    assert 1 <= int(limited.headers["retry-after"]) <= 60
    assert limited.headers["content-type"] == "application/problem+json"
    assert api.get("/v1/me", headers=_bearer(other)).status_code == 200


def test_a_bad_scope_is_refused_when_the_key_is_made(api):
    users = api.app.state.runtime.users
    with pytest.raises(ValueError, match="not a web origin"):
        users.add_key("alice", origins=["intranet.example/page"])
    with pytest.raises(ValueError, match="not a rate"):
        users.add_key("alice", rate_limit="lots")
    assert users.keys("alice") == []


def _address_change(api, token):
    session, order = _session(api, token), planted.BLUE_HARBOR_PENDING_ORDER
    turn = api.post(
        f"/v1/sessions/{session}/messages",
        json={"text": f"change the shipping address of {order} to 12 Dock Road, Tacoma, WA 98421"},
        headers=_bearer(token),
    ).json()
    assert turn["status"] == "awaiting_confirmation", turn
    return session


def test_the_audit_of_a_session_by_role_and_masked(api):
    alice, bob = _key(api, "alice"), _key(api, "bob")
    frank, grace = _key(api, "frank"), _key(api, "grace")
    session = _address_change(api, alice)
    path = f"/v1/sessions/{session}/audit"

    own = api.get(path, headers=_bearer(alice)).json()
    assert [r["seq"] for r in own] == sorted(r["seq"] for r in own)
    decided = next(r for r in own if r["kind"] == "policy.decided")
    assert decided["tool"] == "erp.change_shipping_address"
    assert decided["arguments"]["args"]["address"] == "***, Tacoma, WA 98421"

    audited = api.get(path, headers=_bearer(frank)).json()
    assert [r["hash"] for r in audited] == [r["hash"] for r in own]
    assert "12 Dock Road" not in str(audited)
    assert "12 Dock Road" in str(api.get(path, headers=_bearer(grace)).json())

    hidden = api.get(path, headers=_bearer(bob))
    assert (hidden.status_code, hidden.json()["code"]) == (404, "not_found")
    assert api.get(path).status_code == 401


def test_knowledge_search_cites_documents(api, demo_settings):
    index = api.app.state.runtime.knowledge.retriever.index
    index.ingest([demo_settings.knowledge_dir / "finance"], demo_settings.knowledge_dir)
    token = _key(api, "alice")
    found = api.get(
        "/v1/knowledge/search",
        params={"q": "how long is the refund window?", "k": 3},
        headers=_bearer(token),
    )
    assert found.status_code == 200, found.text
    citations = found.json()
    assert 1 <= len(citations) <= 3
    assert all(c["source"].startswith("finance/") and c["snippet"] for c in citations)
    assert any("refund" in c["source"] for c in citations)
    for params in ({"q": ""}, {"q": "refunds", "k": 0}, {}):
        bad = api.get("/v1/knowledge/search", params=params, headers=_bearer(token))
        assert (bad.status_code, bad.json()["code"]) == (422, "invalid_input")
    assert api.get("/v1/knowledge/search", params={"q": "refunds"}).status_code == 401


def test_ready_reports_each_check(api, demo_settings, embedder):
    report = api.get("/v1/ready")
    assert report.status_code == 200
    assert report.json()["status"] == "degraded"  # nothing ingested yet
    checks = {c["name"]: c for c in report.json()["checks"]}
    assert all(checks[name]["ok"] for name in ("state", "approvals", "crm", "erp"))
    assert (
        not checks["knowledge"]["ok"] and "aios knowledge ingest" in checks["knowledge"]["detail"]
    )

    unreachable = demo_settings.model_copy(
        update={
            "transport": Transport.HTTP,
            "crm_base_url": "http://127.0.0.1:9",
            "http_retries": 0,
        }
    )
    cut_off = TestClient(
        create_app(build_runtime(unreachable, embedder=embedder), open_api_store(unreachable))
    )
    down = cut_off.get("/v1/ready")
    assert down.status_code == 503
    checks = {c["name"]: c for c in down.json()["checks"]}
    assert not checks["crm"]["ok"] and not checks["erp"]["ok"]  # both over HTTP, both down
    assert checks["state"]["ok"]


def test_metrics_count_turns_tools_and_waiting_approvals(api):
    alice = _key(api, "alice")
    assert api.get("/metrics").status_code == 401
    session = _session(api, alice)
    api.post(
        f"/v1/sessions/{session}/messages",
        json={"text": "what is the status of SO-1042?"},
        headers=_bearer(alice),
    )
    api.post(
        f"/v1/sessions/{_session(api, alice)}/messages",
        json={"text": f"refund $600 on {planted.PLATINUM_PAID_INVOICE}"},
        headers=_bearer(alice),
    )
    scraped = api.get("/metrics", headers=_bearer(alice))
    assert scraped.headers["content-type"].startswith("text/plain")
    text = scraped.text
    assert 'aios_turns_total{status="completed"} 1.0' in text
    assert 'aios_tool_calls_total{outcome="ok",tool="erp.get_order"}' in text
    assert "aios_turn_seconds_count 2.0" in text
    assert 'aios_problems_total{code="unauthorized"} 1.0' in text
    assert 'aios_approvals_pending{role="finance"} 1.0' in text


def test_an_unexpected_failure_is_a_problem_the_page_can_read(portal_settings, embedder):
    store = open_api_store(portal_settings)
    api = TestClient(
        create_app(build_runtime(portal_settings, embedder=embedder), store),
        raise_server_exceptions=False,
    )
    token = _key(api, "alice")
    with store.engine.begin() as conn:
        conn.exec_driver_sql("DROP TABLE api_sessions")  # the store breaks under the API
    broken = api.get("/v1/sessions", headers=_bearer(token, Origin=PORTAL))
    assert (broken.status_code, broken.json()["code"]) == (500, "internal")
    assert broken.headers["content-type"] == "application/problem+json"
    assert broken.headers["access-control-allow-origin"] == PORTAL
    assert "DROP" not in broken.text and "sqlite" not in broken.text.lower()
    served = api.head("/widget.js")
    assert served.status_code == 200
    assert served.headers["content-type"].startswith("application/javascript")
