"""The per-skill table, the latency percentiles and the learning candidates over the real app on
SQLite, after real conversations: who sees them, who decides them, and an acceptance changing
the next plan for a paraphrase."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from aios.api.app import create_app
from aios.api.store import open_api_store
from connectors.demo import _planted as planted

PENDING = planted.BLUE_HARBOR_PENDING_ORDER  # can be cancelled
PARAPHRASE = "SO-1027 gets scrapped"  # another order, other words: not in the conversation


@pytest.fixture
def api(runtime, demo_settings):
    return TestClient(create_app(runtime, open_api_store(demo_settings)))


@pytest.fixture
def keys(runtime):
    names = ("alice", "bob", "dave", "erin", "frank", "grace")
    return {name: runtime.users.add_key(name, "tests")[1] for name in names}


def _as(keys, name):
    return {"Authorization": f"Bearer {keys[name]}"}


class Chat:
    """One API conversation of one operator."""

    def __init__(self, api, keys, name):
        self.api, self.headers = api, _as(keys, name)
        self.id = api.post("/v1/sessions", headers=self.headers).json()["id"]

    def say(self, text):
        said = self.api.post(
            f"/v1/sessions/{self.id}/messages", json={"text": text}, headers=self.headers
        )
        assert said.status_code == 200, said.text
        return said.json()

    def confirm(self):
        shown = self.api.get(f"/v1/sessions/{self.id}/pending", headers=self.headers).json()
        body = {
            "answer": "approve",
            "confirmation_id": shown["id"],
            "args_hash": shown["args_hash"],
        }
        done = self.api.post(
            f"/v1/sessions/{self.id}/decision", json=body, headers=self.headers
        ).json()
        assert done["status"] == "completed", done
        return done


def _tools(turn):
    plan = next((e for e in turn["events"] if e["type"] == "plan"), None)
    return [s["tool"] for s in plan["steps"]] if plan else []


def _corrected_scrapping(api, keys):
    """Alice says an order "is to be scrapped", gets a look-up, corrects it: one to review."""
    chat = Chat(api, keys, "alice")
    assert _tools(chat.say(f"order {PENDING} is to be scrapped")) == ["erp.get_order"]
    assert _tools(chat.say(f"no, I meant cancel order {PENDING}")) == ["erp.cancel_order"]
    chat.confirm()


def _candidates(api, keys, name="erin", **params):
    found = api.get("/v1/learning/candidates", params=params, headers=_as(keys, name))
    assert found.status_code == 200, found.text
    return found.json()


def _corrected(api, keys, name="erin"):
    [candidate] = [c for c in _candidates(api, keys, name) if c["kind"] == "corrected"]
    return candidate


def _decide(api, keys, name, ident, action="accept"):
    return api.post(f"/v1/learning/candidates/{ident}/{action}", headers=_as(keys, name))


def _refused(answer, status, code):
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.json()["code"] == code
    return answer.json()["detail"]


def test_the_per_skill_table_and_latency_after_real_conversations(api, keys):
    _corrected_scrapping(api, keys)
    Chat(api, keys, "bob").say(f"what's the status of {planted.DAMAGED_ORDER}")

    table = api.get("/v1/ops/skills", params={"hours": 2}, headers=_as(keys, "frank")).json()
    stats = {s["skill"]: s for s in table["skills"]}
    assert set(stats) == {"order_status", "cancel_order"}
    # The "scrapped" look-up ran and was then taken back by the correction.
    assert {k: stats["order_status"][k] for k in ("runs", "succeeded", "corrections")} == {
        "runs": 2,
        "succeeded": 2,
        "corrections": 1,
    }
    cancel = stats["cancel_order"]
    assert (cancel["runs"], cancel["succeeded"], cancel["corrections"], cancel["rejections"]) == (
        1,
        1,
        0,
        0,
    )
    assert cancel["median_latency_ms"] > 0

    activity = api.get("/v1/ops/activity", params={"hours": 2}, headers=_as(keys, "frank")).json()
    assert activity["since"] == table["since"]
    measured = [h for h in activity["hours"] if h["latency_p50_ms"] is not None]
    assert measured, "three planned turns this hour (or the last, if the hour turned)"
    for hour in measured:
        assert 0 < hour["latency_p50_ms"] <= hour["latency_p95_ms"]
    assert all(h["latency_p95_ms"] is None for h in activity["hours"] if h not in measured)

    bad = api.get("/v1/ops/skills", params={"hours": 0}, headers=_as(keys, "frank"))
    _refused(bad, 422, "invalid_input")


def test_a_managers_acceptance_changes_the_next_plan_for_a_paraphrase(api, keys, runtime):
    _corrected_scrapping(api, keys)
    candidate = _corrected(api, keys)
    assert (candidate["skill"], candidate["was"], candidate["text"], candidate["seen"]) == (
        "cancel_order",
        "order_status",
        "order is to be scrapped",
        1,
    )
    assert candidate["may_review"] is True  # a manager owns cancel_order
    assert _corrected(api, keys, "frank")["may_review"] is False  # an auditor reads only

    bob = Chat(api, keys, "bob")
    assert _tools(bob.say(PARAPHRASE)) == ["erp.get_order"]  # not learnt yet
    accepted = _decide(api, keys, "erin", candidate["id"])
    assert accepted.status_code == 200, accepted.text
    assert (accepted.json()["status"], accepted.json()["reviewed_by"]) == ("accepted", "erin")
    assert _tools(Chat(api, keys, "bob").say(PARAPHRASE)) == ["erp.cancel_order"]

    assert candidate["id"] not in {c["id"] for c in _candidates(api, keys)}
    assert [c["id"] for c in _candidates(api, keys, status="accepted")] == [candidate["id"]]
    unknown = api.get(
        "/v1/learning/candidates", params={"status": "new"}, headers=_as(keys, "erin")
    )
    _refused(unknown, 422, "invalid_input")
    [row] = [r for r in runtime.toolbox.trail.records() if r.kind == "learning.accepted"]
    assert (row.actor, row.arguments["example_id"]) == ("erin", candidate["id"])

    twice = _decide(api, keys, "grace", candidate["id"])
    assert "already accepted by erin" in _refused(twice, 409, "already_reviewed")


def test_only_the_skills_owners_decide(api, keys):
    _corrected_scrapping(api, keys)
    ident = _corrected(api, keys)["id"]
    # finance owns refund and set_credit_limit, not cancel_order
    detail = _refused(_decide(api, keys, "dave", ident), 403, "not_allowed")
    assert detail == "Examples of cancel_order are reviewed by manager, admin; you are finance."
    for name in ("alice", "frank"):
        _refused(_decide(api, keys, name, ident), 403, "not_allowed")
        _refused(_decide(api, keys, name, ident, "dismiss"), 403, "not_allowed")
    _refused(_decide(api, keys, "erin", "LX-NOPE"), 404, "not_found")
    assert _decide(api, keys, "erin", "x" * 17).json()["code"] == "invalid_input"

    dismissed = _decide(api, keys, "grace", ident, "dismiss").json()  # an admin owns it too
    assert (dismissed["status"], dismissed["reviewed_by"]) == ("dismissed", "grace")
    _refused(_decide(api, keys, "erin", ident), 409, "already_reviewed")


def test_a_candidate_that_could_never_match_is_refused(api, keys):
    dave = Chat(api, keys, "dave")  # finance: sets credit limits
    assert _tools(dave.say("give Blue Harbor Logistics more headroom, 20000 would do")) == []
    limit = dave.say("set the credit limit of Blue Harbor Logistics to $9,000")
    assert _tools(limit) == ["erp.set_credit_limit"]
    dave.confirm()
    listed = _candidates(api, keys, skill="set_credit_limit")
    assert {c["skill"] for c in listed} == {"set_credit_limit"}
    # Finance owns set_credit_limit: it lists what it may review, and only that.
    owned = _candidates(api, keys, "dave")
    assert owned and all(c["may_review"] for c in owned)
    assert {c["skill"] for c in owned} <= {"set_credit_limit", "refund"}
    _refused(api.get("/v1/learning/candidates", headers=_as(keys, "alice")), 403, "not_allowed")
    [candidate] = [c for c in listed if c["kind"] == "corrected"]
    detail = _refused(_decide(api, keys, "erin", candidate["id"]), 422, "never_matches")
    assert "could never match" in detail
    assert candidate in _candidates(api, keys, skill="set_credit_limit")  # still to review
