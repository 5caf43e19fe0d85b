"""The operations view's JSON over the real app: who may read it, the approvals with their SLA
clock and escalation, confirmations waiting, writes without an outcome, failed steps, cases by
SLA, the activity behind the charts, and the audit searched and masked by role."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from aios.api.app import create_app
from aios.api.store import open_api_store
from aios.audit import AuditEvent
from connectors.crm.find_cases import FindCasesOutput
from connectors.demo import _planted as planted

OVERSEERS = ("erin", "frank", "grace")  # manager, auditor, admin
ADDRESS = "12 Dock Road, Tacoma, WA 98421"


@pytest.fixture
def api(runtime, demo_settings):
    return TestClient(create_app(runtime, open_api_store(demo_settings)))


@pytest.fixture
def keys(runtime):
    names = ("alice", "dave", *OVERSEERS)
    return {name: runtime.users.add_key(name, "tests")[1] for name in names}


def _as(keys, name):
    return {"Authorization": f"Bearer {keys[name]}"}


def _say(api, keys, name, text):
    session = api.post("/v1/sessions", headers=_as(keys, name)).json()["id"]
    turn = api.post(
        f"/v1/sessions/{session}/messages", json={"text": text}, headers=_as(keys, name)
    ).json()
    return session, turn


def _decide(api, keys, name, session, answer):
    shown = api.get(f"/v1/sessions/{session}/pending", headers=_as(keys, name)).json()
    body = {"answer": answer, "confirmation_id": shown["id"], "args_hash": shown["args_hash"]}
    decided = api.post(f"/v1/sessions/{session}/decision", json=body, headers=_as(keys, name))
    assert decided.status_code == 200, decided.text
    return decided.json()


def _work(api, keys, name="frank"):
    return api.get("/v1/ops/work", headers=_as(keys, name)).json()


def _approval_requested(api, keys):
    _, turn = _say(api, keys, "alice", f"refund $600 on {planted.PLATINUM_PAID_INVOICE}")
    return turn["events"][1]["approval_id"]


def test_only_overseers_read_the_operations_view(api, keys):
    for path in (
        "/v1/ops/work",
        "/v1/ops/audit",
        "/v1/ops/activity",
        "/v1/ops/skills",
        "/v1/learning/candidates",
    ):
        for name in OVERSEERS:
            assert api.get(path, headers=_as(keys, name)).status_code == 200, (path, name)
        # Finance owns skills (refunds, credit limits): it lists their candidates, no more.
        owner = path == "/v1/learning/candidates"
        for name in ("alice",) if owner else ("alice", "dave"):
            refused = api.get(path, headers=_as(keys, name))
            assert refused.status_code == 403
            assert refused.headers["content-type"] == "application/problem+json"
            assert refused.json()["code"] == "not_allowed"
        assert api.get(path).json()["code"] == "unauthorized"
    page = api.get("/ops")
    assert page.headers["content-type"].startswith("text/html")
    assert "/ops/ops.js" in page.text
    assert api.get("/ops/ops.js").headers["content-type"].startswith("application/javascript")


def test_a_pending_approval_shows_its_sla_clock_and_escalation(api, keys, runtime):
    approval_id = _approval_requested(api, keys)
    work = api.get("/v1/ops/work", headers=_as(keys, "erin")).json()
    [item] = work["approvals"]
    assert (item["id"], item["requester"], item["required_role"], item["level"]) == (
        approval_id,
        "alice",
        "finance",
        0,
    )
    sla_minutes = runtime.policy.policy.approvals.due_within_minutes
    assert sla_minutes - 1 <= item["sla"]["minutes_left"] <= sla_minutes
    assert item["sla"]["overdue"] is False

    # Nobody decided in time: the clock runs out, then the request escalates to a manager.
    late = datetime.now(UTC) + timedelta(minutes=sla_minutes + 30)
    runtime.ledger.clock = lambda: late
    [overdue] = api.get("/v1/ops/work", headers=_as(keys, "erin")).json()["approvals"]
    assert overdue["sla"]["overdue"] is True
    assert -31 <= overdue["sla"]["minutes_left"] <= -29
    runtime.ledger.escalate_overdue()
    [escalated] = api.get("/v1/ops/work", headers=_as(keys, "erin")).json()["approvals"]
    assert (escalated["required_role"], escalated["level"]) == ("manager", 1)
    assert escalated["sla"]["minutes_left"] == sla_minutes
    assert escalated["sla"]["overdue"] is False


def test_failed_steps_and_cases_near_their_sla(api, keys, runtime):
    trail = runtime.toolbox.trail
    trail.append(
        AuditEvent(
            kind="tool.failed",
            actor="alice",
            session_id="S-failed",
            step="act",
            tool="erp.create_refund",
            arguments={"invoice_id": planted.PLATINUM_PAID_INVOICE},
            result={"error": "ERP did not answer"},
        )
    )
    trail.append(
        AuditEvent(
            kind="tool.failed",
            actor="alice",
            session_id="S-lookup",
            step="understand",
            tool="erp.get_order",
            arguments={"order_id": "SO-9999"},
            result={"code": "not_found", "detail": "order SO-9999 not found"},
        )
    )
    work = api.get("/v1/ops/work", headers=_as(keys, "erin")).json()
    # A change that did not happen apart from a record that was not found.
    [failed] = work["failed_writes"]
    assert (failed["tool"], failed["session_id"], failed["result"]) == (
        "erp.create_refund",
        "S-failed",
        {"error": "ERP did not answer"},
    )
    [lookup] = work["failed_lookups"]
    assert (lookup["tool"], lookup["session_id"]) == ("erp.get_order", "S-lookup")

    breached = FindCasesOutput.model_validate(
        runtime.toolbox.connectors.call("crm.find_cases", {"sla_breached": True})
    ).cases
    assert breached, "the demo company plants cases past their SLA"
    cases = work["cases"]
    assert {c.id for c in breached} <= {c["id"] for c in cases}
    assert all(c["sla"]["minutes_left"] < 4 * 60 for c in cases)
    assert [c["sla"]["due_at"] for c in cases] == sorted(c["sla"]["due_at"] for c in cases)
    assert all(c["sla"]["overdue"] for c in cases if c["id"] in {b.id for b in breached})


def test_the_audit_is_searched_by_user_tool_kind_and_time(api, keys):
    _approval_requested(api, keys)
    _say(api, keys, "erin", "hello")
    search = lambda **params: api.get(  # noqa: E731
        "/v1/ops/audit", params=params, headers=_as(keys, "frank")
    ).json()

    everything = search(limit=500)
    assert [r["seq"] for r in everything] == sorted((r["seq"] for r in everything), reverse=True)
    assert {"alice", "erin"} <= {r["actor"] for r in everything}
    alices = search(user="alice")
    assert alices and all("alice" in (r["actor"], r["on_behalf_of"]) for r in alices)
    refunds = search(tool="erp.create_refund")
    assert refunds and {r["tool"] for r in refunds} == {"erp.create_refund"}
    assert any(r["policy_decision"] == "approve" for r in refunds)
    approve = search(decision="APPROVE", kind="policy.decided")
    assert approve and all(
        (r["policy_decision"], r["kind"]) == ("approve", "policy.decided") for r in approve
    )
    assert len(search(limit=2)) == 2
    # Looking the invoice up names its account in the result, the account's lookup in the
    # arguments; every other account's records stay out.
    platinum = search(account=planted.PLATINUM_ACCOUNT)
    assert {(r["kind"], r["tool"]) for r in platinum} == {
        ("tool.read", "erp.get_invoice"),
        ("tool.read", "crm.get_account"),
    }
    assert search(account=planted.PLATINUM_ACCOUNT, user="erin") == []
    assert search(account=planted.BLUE_HARBOR) == []
    assert search(since=(datetime.now(UTC) + timedelta(hours=1)).isoformat()) == []
    assert search(since=(datetime.now(UTC) - timedelta(hours=1)).isoformat()) == search()
    bad = api.get("/v1/ops/audit", params={"limit": 0}, headers=_as(keys, "frank"))
    assert (bad.status_code, bad.json()["code"]) == (422, "invalid_input")


def test_the_audit_is_masked_for_the_viewers_role(api, keys):
    order = planted.BLUE_HARBOR_PENDING_ORDER
    _, turn = _say(api, keys, "alice", f"change the shipping address of {order} to {ADDRESS}")
    assert turn["status"] == "awaiting_confirmation", turn
    params = {"tool": "erp.change_shipping_address", "kind": "policy.decided"}

    def decided(name):
        [row] = api.get("/v1/ops/audit", params=params, headers=_as(keys, name)).json()
        return row["arguments"]["args"]["address"]

    assert decided("frank") == "***, Tacoma, WA 98421"  # the auditor
    assert decided("grace") == ADDRESS  # the admin


def test_a_sessions_audit_is_masked_as_the_operations_view_masks_it(api, keys):
    order = planted.BLUE_HARBOR_PENDING_ORDER
    session, _ = _say(api, keys, "alice", f"change the shipping address of {order} to {ADDRESS}")

    def addresses(name):
        rows = api.get(f"/v1/sessions/{session}/audit", headers=_as(keys, name)).json()
        assert [r["seq"] for r in rows] == sorted(r["seq"] for r in rows)
        return {r["arguments"]["args"]["address"] for r in rows if r["kind"] == "policy.decided"}

    assert addresses("alice") == {"***, Tacoma, WA 98421"}  # her own session, an agent's view
    assert addresses("frank") == {"***, Tacoma, WA 98421"}
    assert addresses("grace") == {ADDRESS}


def test_a_confirmation_waits_until_its_requester_answers(api, keys):
    order = planted.BLUE_HARBOR_PENDING_ORDER
    session, turn = _say(api, keys, "alice", f"change the shipping address of {order} to {ADDRESS}")
    assert turn["status"] == "awaiting_confirmation", turn
    _approval_requested(api, keys)  # waits for an approver, not for its requester

    [waiting] = _work(api, keys)["confirmations"]
    assert (waiting["session_id"], waiting["requester"], waiting["tool"]) == (
        session,
        "alice",
        "erp.change_shipping_address",
    )
    assert waiting["arguments"]["order_id"] == order
    assert waiting["arguments"]["address"] == "***, Tacoma, WA 98421"  # the auditor's view
    assert _work(api, keys, "grace")["confirmations"][0]["arguments"]["address"] == ADDRESS
    assert waiting["age_minutes"] == 0

    _decide(api, keys, "alice", session, "reject")
    assert _work(api, keys)["confirmations"] == []


def test_a_write_without_an_outcome_shows_until_its_outcome_is_recorded(api, keys, runtime):
    trail = runtime.toolbox.trail
    sent = datetime.now(UTC) - timedelta(minutes=7)
    call = {"idempotency_key": "S-cut:1:0", "confirmed_by": "alice"}
    trail.append(
        AuditEvent(
            kind="tool.requested",
            actor="alice",
            session_id="S-cut",
            step="act:0",
            tool="erp.create_refund",
            arguments={"invoice_id": planted.PLATINUM_PAID_INVOICE, "_call": call},
            occurred_at=sent,
        )
    )
    [unfinished] = _work(api, keys)["unfinished_writes"]
    assert (unfinished["session_id"], unfinished["tool"], unfinished["age_minutes"]) == (
        "S-cut",
        "erp.create_refund",
        7,
    )
    assert unfinished["arguments"] == {"invoice_id": planted.PLATINUM_PAID_INVOICE}

    trail.append(
        AuditEvent(
            kind="tool.succeeded",
            actor="alice",
            session_id="S-cut",
            step="act:0",
            tool="erp.create_refund",
        )
    )
    assert _work(api, keys)["unfinished_writes"] == []


def test_activity_counts_turns_writes_and_approvals_per_hour(api, keys):
    order = planted.BLUE_HARBOR_PENDING_ORDER
    session, _ = _say(api, keys, "alice", f"change the shipping address of {order} to {ADDRESS}")
    _decide(api, keys, "alice", session, "approve")  # a second turn, and a write
    _approval_requested(api, keys)  # a third turn

    activity = api.get("/v1/ops/activity", params={"hours": 3}, headers=_as(keys, "erin")).json()
    hours = activity["hours"]
    assert [h["hour"] for h in hours] == sorted(h["hour"] for h in hours)
    this_hour = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    assert datetime.fromisoformat(hours[-1]["hour"]) == this_hour
    assert datetime.fromisoformat(activity["since"]) == this_hour - timedelta(hours=2)
    # Summed: the hour may turn while the test runs.
    assert (sum(h["turns"] for h in hours), sum(h["writes"] for h in hours)) == (3, 1)
    outcomes = {a["outcome"]: a["count"] for a in activity["approvals"]}
    assert outcomes == {"pending": 1, "approved": 0, "rejected": 0, "expired": 0, "withdrawn": 0}

    bad = api.get("/v1/ops/activity", params={"hours": 0}, headers=_as(keys, "erin"))
    assert (bad.status_code, bad.json()["code"]) == (422, "invalid_input")
