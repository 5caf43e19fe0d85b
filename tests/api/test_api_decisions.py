"""A decision over the API names the confirmation it answers (issue 24, point 1): one on a
replaced or decided confirmation is a 409 problem, and nothing is done."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from aios.api.app import create_app
from aios.api.store import open_api_store
from connectors.demo import _planted as planted
from connectors.erp.models import Refund


@pytest.fixture
def api(runtime, demo_settings):
    return TestClient(create_app(runtime, open_api_store(demo_settings)))


@pytest.fixture
def alice(runtime):
    return {"Authorization": f"Bearer {runtime.users.add_key('alice', 'tests')[1]}"}


def _refunds(rows):
    return [r.amount_cents for r in rows("erp", Refund) if r.invoice_id == planted.DAMAGED_INVOICE]


def _card(turn):
    return next(e for e in turn["events"] if e["type"] == "confirmation_required")


def _decide(api, alice, session, card, answer="approve"):
    body = {"answer": answer, "confirmation_id": card["id"], "args_hash": card["args_hash"]}
    return api.post(f"/v1/sessions/{session}/decision", json=body, headers=alice)


def test_an_old_card_is_refused_with_409_and_the_new_one_still_decides(api, alice, rows):
    before = _refunds(rows)
    session = api.post("/v1/sessions", headers=alice).json()["id"]
    said = f"/v1/sessions/{session}/messages"
    a = _card(
        api.post(said, json={"text": "refund $5 on order SO-1042, damaged"}, headers=alice).json()
    )
    b = _card(api.post(said, json={"text": "no, make it $4"}, headers=alice).json())
    assert b["args"]["amount"] == "4.00"

    stale = _decide(api, alice, session, a)
    assert stale.status_code == 409
    assert stale.headers["content-type"].startswith("application/problem+json")
    assert stale.json()["code"] == "replaced"
    assert _refunds(rows) == before
    assert api.get(f"/v1/sessions/{session}/pending", headers=alice).json()["id"] == b["id"]

    forged = _decide(api, alice, session, {**b, "args_hash": a["args_hash"]})
    assert (forged.status_code, forged.json()["code"]) == (409, "replaced")

    done = _decide(api, alice, session, b)
    assert done.status_code == 200 and done.json()["status"] == "completed"
    assert _refunds(rows) == [*before, 400]
    again = _decide(api, alice, session, b)
    assert (again.status_code, again.json()["code"]) == (409, "already_decided")
    assert _refunds(rows) == [*before, 400]


def test_a_decision_without_the_confirmation_it_answers_is_invalid(api, alice):
    session = api.post("/v1/sessions", headers=alice).json()["id"]
    bare = api.post(f"/v1/sessions/{session}/decision", json={"answer": "approve"}, headers=alice)
    assert (bare.status_code, bare.json()["code"]) == (422, "invalid_input")
