"""The operations page end to end in Debian's headless Chromium, against the real API on
loopback: an auditor's key, an approval's SLA clock, a confirmation waiting with its age, the
charts, the audit filtered (by account too) and masked, the filter kept while the page
refreshes, and the work items refreshing by themselves; a manager's per-skill table and
latency chart, and the learning candidates reviewed on the page. No request may leave the
API's origin. ``browser`` is the suite's Debian Chromium (tests/conftest.py)."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from aios.api.app import create_app
from aios.api.store import open_api_store
from aios.audit import AuditEvent
from aios.loopback import serve
from connectors.demo import _planted as planted

ADDRESS = "12 Dock Road, Tacoma, WA 98421"
REPO = Path(__file__).resolve().parents[2]

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.timeout(600)]
expect.set_options(timeout=30_000)


@pytest.fixture
def base(runtime, demo_settings) -> Iterator[str]:
    with serve(create_app(runtime, open_api_store(demo_settings))) as url:
        yield url


def _say(base: str, key: str, text: str) -> dict[str, Any]:
    return _conversation(base, key, text)[-1]


def _conversation(base: str, key: str, *texts: str) -> list[dict[str, Any]]:
    """The turns of one session: each text said, or an answer to what it waits for."""
    headers = {"Authorization": f"Bearer {key}"}
    with httpx.Client(base_url=base, headers=headers, timeout=60) as api:
        session = api.post("/v1/sessions").json()["id"]
        turns = []
        for text in texts:
            if text == "approve":
                shown = api.get(f"/v1/sessions/{session}/pending").json()
                body = {"answer": "approve", "confirmation_id": shown["id"]}
                body["args_hash"] = shown["args_hash"]
                said = api.post(f"/v1/sessions/{session}/decision", json=body)
            else:
                said = api.post(f"/v1/sessions/{session}/messages", json={"text": text})
            turns.append(said.json())
        return turns


def _signed_in(browser: Browser, base: str, key: str, requests: list[str]) -> Page:
    page = browser.new_context().new_page()
    page.on("request", lambda request: requests.append(request.url))
    page.goto(f"{base}/ops")
    page.get_by_label("API key").fill(key)
    page.get_by_role("button", name="Use this key").click()
    return page


def test_an_auditor_watches_work_and_searches_the_masked_audit(browser, base, runtime) -> None:
    alice = runtime.users.add_key("alice", "tests")[1]
    asked = _say(base, alice, f"refund $600 on {planted.PLATINUM_PAID_INVOICE}")
    approval_id = asked["events"][1]["approval_id"]
    order = planted.BLUE_HARBOR_PENDING_ORDER
    changed = _say(base, alice, f"change the shipping address of {order} to {ADDRESS}")
    assert changed["status"] == "awaiting_confirmation", changed

    requests: list[str] = []
    page = _signed_in(browser, base, runtime.users.add_key("frank", "tests")[1], requests)
    approval = page.locator("#approvals tbody tr", has_text=approval_id)
    expect(approval).to_contain_text("finance")
    expect(approval.locator("td.clock")).to_have_text(re.compile(r"^(3 h 59|4 h 0) min left$"))

    waiting = page.locator("#confirmations tbody tr", has_text="erp.change_shipping_address")
    expect(waiting).to_contain_text("alice")
    expect(waiting.locator("td.clock")).to_have_text(re.compile(r"^[01] min ago$"))
    expect(waiting).to_contain_text("***, Tacoma, WA 98421")
    expect(waiting).not_to_contain_text("12 Dock Road")

    # Two turns, one approval pending: every hour has its pair of bars, every outcome one.
    expect(page.locator("#hourly svg rect.bar.turns")).to_have_count(24)
    expect(page.locator("#hourly svg rect.bar.writes")).to_have_count(24)
    expect(page.locator("#hourly svg")).to_have_attribute(
        "aria-label", re.compile(r"^2 turns and 0 writes")
    )
    expect(page.locator("#outcomes svg rect.bar")).to_have_count(5)
    expect(page.locator("#outcomes svg")).to_have_attribute(
        "aria-label", re.compile(r"^1 pending, 0 approved")
    )
    assert float(page.locator("#hourly svg rect.bar.turns").last.get_attribute("height")) > 0

    page.get_by_label("Tool").fill("erp.change_shipping_address")
    page.get_by_label("Kind").fill("policy.decided")
    page.get_by_role("button", name="Search").click()
    found = page.locator("#audit tbody tr")
    expect(found).to_have_count(1)
    expect(found).to_contain_text("***, Tacoma, WA 98421")
    expect(found).not_to_contain_text("12 Dock Road")

    # By account: the invoice's lookup names it in its result, the account's in its arguments.
    page.get_by_label("Tool").fill("")
    page.get_by_label("Kind").fill("")
    page.get_by_label("Account").fill(planted.PLATINUM_ACCOUNT)
    page.get_by_role("button", name="Search").click()
    expect(found).to_have_count(2)
    for row in found.all():
        expect(row).to_contain_text(planted.PLATINUM_ACCOUNT)
    expect(found.first).to_contain_text("crm.get_account")
    assert f"account={planted.PLATINUM_ACCOUNT}" in page.url

    # The page refreshes with the search it was given, and leaves the form as it is.
    updated = page.locator("#status").text_content()
    expect(page.locator("#status")).not_to_have_text(updated or "")
    expect(page.get_by_label("Account")).to_have_value(planted.PLATINUM_ACCOUNT)
    expect(found).to_have_count(2)

    # A step fails after the page loaded: the next refresh shows it without a reload.
    runtime.toolbox.trail.append(
        AuditEvent(
            kind="tool.failed",
            actor="alice",
            session_id="S-failed",
            step="act",
            tool="erp.create_refund",
            result={"error": "ERP did not answer"},
        )
    )
    expect(page.locator("#failed tbody tr", has_text="S-failed")).to_contain_text(
        "ERP did not answer"
    )
    assert requests and all(url.startswith(base + "/") for url in requests), requests


def test_an_agent_is_told_the_view_is_not_theirs(browser, base, runtime) -> None:
    requests: list[str] = []
    page = _signed_in(browser, base, runtime.users.add_key("alice", "tests")[1], requests)
    expect(page.locator("#status")).to_contain_text("manager")
    expect(page.get_by_label("API key")).to_be_visible()
    expect(page.locator("#ops")).to_be_hidden()
    assert [u for u in requests if "/v1/" in u] == [f"{base}/v1/ops/work"]


def test_a_manager_reviews_the_learning_candidates_on_the_page(browser, base, runtime) -> None:
    order = planted.BLUE_HARBOR_PENDING_ORDER
    alice = runtime.users.add_key("alice", "tests")[1]
    scrapped = _conversation(
        base,
        alice,
        f"order {order} is to be scrapped",
        f"no, I meant cancel order {order}",
        "approve",
    )
    assert scrapped[-1]["status"] == "completed", scrapped
    # set_credit_limit needs "credit" or "limit", which the first request lacks.
    dave = runtime.users.add_key("dave", "tests")[1]
    headroom = _conversation(
        base,
        dave,
        "give Blue Harbor Logistics more headroom, 20000 would do",
        "set the credit limit of Blue Harbor Logistics to $9,000",
        "approve",
    )
    assert headroom[-1]["status"] == "completed", headroom

    requests: list[str] = []
    page = _signed_in(browser, base, runtime.users.add_key("erin", "tests")[1], requests)
    skills = page.locator("#skills tbody tr")
    expect(skills.filter(has_text="cancel_order").locator("td")).to_have_text(
        ["cancel_order", "1", "1 (100 %)", "0", "0", re.compile(r"^\d+ ms$")]
    )
    expect(skills.filter(has_text="order_status").locator("td").nth(3)).to_have_text("1")
    expect(skills.filter(has_text="set_credit_limit")).to_have_count(1)
    expect(page.locator("#latency svg rect.bar.p50")).to_have_count(24)
    expect(page.locator("#latency svg rect.bar.p95")).to_have_count(24)
    expect(page.locator("#latency svg")).to_have_attribute(
        "aria-label", re.compile(r"^Latency measured in [12] of the last 24 hours")
    )

    candidates = page.locator("#candidates tbody tr")
    scrap = candidates.filter(has_text="cancel_order").filter(has_text="corrected")
    expect(scrap).to_contain_text("order_status")  # what the planner took it for
    expect(scrap).to_contain_text("order is to be scrapped")
    scrap.get_by_role("button", name="Accept").click()
    expect(page.locator("#learning-said")).to_contain_text(
        '"order is to be scrapped" now teaches cancel_order'
    )
    expect(scrap).to_have_count(0)
    [accepted] = runtime.learning.examples(status="accepted")
    assert (accepted.skill, accepted.reviewed_by) == ("cancel_order", "erin")

    # A refusal is said in words, and the candidate stays for review.
    credit = candidates.filter(has_text="set_credit_limit").filter(has_text="corrected")
    credit.get_by_role("button", name="Accept").click()
    expect(page.locator("#learning-said")).to_contain_text("it could never match")
    expect(page.locator("#learning-said")).to_have_class("error")
    expect(credit).to_have_count(1)
    expect(page.locator("#ops")).to_be_visible()
    assert requests and all(url.startswith(base + "/") for url in requests), requests


def test_a_busy_trail_reads_as_a_dashboard_of_bounded_height(browser, base, runtime) -> None:
    """Dozens of rows with long arguments: tables paged, details collapsed, no JSON, none of
    the trail's own fields (an idempotency key) in sight, a failed lookup apart from a failed
    write. Set ``AIOS_UPDATE_SCREENSHOT=1`` to refresh ``docs/screenshot-ops.png``."""
    trail = runtime.toolbox.trail
    for n in range(60):
        trail.append(
            AuditEvent(
                kind="tool.requested",
                actor="alice",
                session_id=f"S-busy-{n}",
                step="act",
                tool="crm.add_note",
                arguments={
                    "account_id": planted.PLATINUM_ACCOUNT,
                    "body": f"Long note {n}: " + "the customer called again about it. " * 20,
                    "_call": {"idempotency_key": f"idem-{n}-secret", "confirmed_by": "alice"},
                },
            )
        )
    failures = [
        ("erp.create_refund", {"invoice_id": "INV-2038"}, {"error": "ERP did not answer"}),
        ("erp.get_order", {"order_id": "SO-9999"}, {"detail": "order SO-9999 not found"}),
    ]
    for tool, arguments, result in failures:
        trail.append(
            AuditEvent(
                kind="tool.failed",
                actor="alice",
                session_id="S-failures",
                step="act",
                tool=tool,
                arguments=arguments,
                result=result,
            )
        )

    requests: list[str] = []
    page = _signed_in(browser, base, runtime.users.add_key("erin", "tests")[1], requests)
    page.set_viewport_size({"width": 1280, "height": 900})
    audit = page.locator("#audit tbody tr")
    expect(audit).to_have_count(10)
    pager = page.locator("#audit + .pager")
    expect(pager).to_contain_text("rows 1 to 10 of 50")
    expect(page.locator("#failed tbody")).to_contain_text("ERP did not answer")
    expect(page.locator("#failed tbody")).not_to_contain_text("SO-9999")
    expect(page.locator("#failed-lookups tbody")).to_contain_text("order SO-9999 not found")
    expect(page.locator("#failed-lookups tbody")).not_to_contain_text("ERP did not answer")

    height = page.evaluate("document.documentElement.scrollHeight")
    assert height < 6000, f"the page is {height} px tall"
    seen = page.locator("main").inner_text()
    assert "idempotency_key" not in seen and "idem-" not in seen
    assert not re.search(r'[{}]|"\w+":', seen), "raw JSON on the page"

    if os.environ.get("AIOS_UPDATE_SCREENSHOT") == "1":
        page.screenshot(path=str(REPO / "docs" / "screenshot-ops.png"), full_page=True)

    # Opened, a row shows its fields one per line; the trail's own only when asked for.
    first = audit.filter(has_text="Long note 59:")
    first.locator("summary").first.click()
    expect(first.locator("dl").first).to_contain_text("Long note")
    expect(first.get_by_text("idempotency_key")).to_be_hidden()
    first.get_by_text("Internal fields").click()
    expect(first.get_by_text("_call.idempotency_key")).to_be_visible()
    # Paged and filtered.
    pager.get_by_role("button", name="Next").click()
    expect(pager).to_contain_text("rows 11 to 20 of 50")
    pager.get_by_role("searchbox").fill("Long note 17:")
    expect(audit).to_have_count(1)
    expect(audit).to_contain_text("Long note 17:")
    expect(pager).to_contain_text("rows 1 to 1 of 1")
    assert requests and all(url.startswith(base + "/") for url in requests), requests
