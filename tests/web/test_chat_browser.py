"""The web chat end to end: the real Chainlit app on loopback, driven by Debian's Chromium.

The page may reach nothing but the app: every request to another host is aborted and recorded,
and there must be none. Outcomes are checked in the systems' databases, not in the page.
Set ``AIOS_UPDATE_SCREENSHOT=1`` to refresh ``docs/screenshot-chat.png`` from the first test.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from playwright.sync_api import Browser, Locator, Page, Route, expect

from aios.assistant.arguments import shown_arguments
from aios.audit import open_trail
from aios.db import open_database
from aios.demo import seed_demo
from aios.loopback import free_port
from aios.mcp.confirmations import Confirmations
from aios.policy import load_policy
from aios.settings import Settings
from aios.users import open_directory
from connectors.clock import utc_now
from connectors.demo import _planted
from connectors.registry import default_registry
from tests.serving import serving

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.timeout(900)]

REPO = Path(__file__).resolve().parents[2]
PASSWORD = "test-password"
STARTUP_S = 300  # imports and the embedding model; slow on a busy machine
TURN_MS = 90_000
LOOPBACK = {"127.0.0.1", "localhost", "::1"}
BLUE_HARBOR_REQUEST = (
    "Blue Harbor says order SO-1042 arrived broken, refund them $45 and note it on their open case"
)
SCROLL_TO_TOP = """e => {
    let box = e.parentElement;
    while (box && box.scrollHeight <= box.clientHeight) box = box.parentElement;
    if (box) box.scrollTop = 0;
}"""
"""Scrolls the conversation holding ``e`` to its start (Chainlit keeps the last question on top)."""

expect.set_options(timeout=TURN_MS)


@dataclass
class App:
    url: str
    data_dir: Path
    log: Path
    base: str


@dataclass
class Offline:
    """Aborts every request to another host and remembers it."""

    blocked: list[str] = field(default_factory=list)

    def route(self, route: Route) -> None:
        request = route.request
        if urlsplit(request.url).hostname in LOOPBACK:
            route.continue_()
        else:
            self.blocked.append(f"{request.resource_type} {request.url}")
            route.abort("internetdisconnected")


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory, chromium: str) -> Iterator[App]:
    """``chainlit run app.py`` on a free port, over a freshly seeded demo company."""
    command = [sys.executable, "-m", "chainlit", "run", "app.py", "--headless", "--host"]
    yield from _launch(tmp_path_factory, lambda port: [*command, "127.0.0.1", "--port", port])


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory, chromium: str) -> Iterator[App]:
    """``aios serve``: the chat under /chat and the API beside it, in one process."""
    command = [sys.executable, "-m", "aios.cli", "serve", "--port"]
    yield from _launch(tmp_path_factory, lambda port: [*command, port], chat_path="/chat")


def _launch(
    tmp_path_factory: pytest.TempPathFactory,
    command: Callable[[str], list[str]],
    chat_path: str = "",
) -> Iterator[App]:
    data_dir = tmp_path_factory.mktemp("web") / "data"
    policy = REPO / "policies" / "actions.yaml"
    seed_demo(Settings(data_dir=data_dir, policy_file=policy, demo_password=PASSWORD))
    port = free_port()
    log = data_dir / "server.log"
    env = {
        **os.environ,
        "AIOS_DATA_DIR": str(data_dir),
        "CHAINLIT_AUTH_SECRET": "browser-test-secret-" + "x" * 32,
        "AIOS_DEMO_PASSWORD": PASSWORD,
    }
    base = f"http://127.0.0.1:{port}"
    url = base + chat_path
    argv = command(str(port))
    with serving(
        argv, log, f"{url}/health", name="the chat", startup_s=STARTUP_S, cwd=REPO, env=env
    ):
        yield App(url, data_dir, log, base)


def _sign_in(
    browser: Browser, app: App, offline: Offline, username: str, height: int = 1000
) -> Page:
    context = browser.new_context(viewport={"width": 1280, "height": height})
    context.route("**/*", offline.route)
    page = context.new_page()
    page.set_default_timeout(TURN_MS)
    page.goto(app.url)
    page.get_by_label("User name").fill(username)
    page.locator("input[type=password]").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    for starter in ("Refund and note", "Customer overview", "Ask the handbook"):
        expect(page.get_by_role("button", name=starter)).to_be_visible()
    return page


def _say(page: Page, text: str) -> None:
    page.get_by_placeholder("Type your message here...").fill(text)
    send = page.locator("#chat-submit")
    expect(send).to_be_enabled()  # only once the chat's socket is connected
    send.click()
    expect(page.get_by_text(text, exact=True).first).to_be_visible()


def _said(page: Page, pattern: str) -> Locator:
    """A paragraph of the conversation matching ``pattern``."""
    return page.get_by_role("article").filter(has_text=re.compile(pattern)).last


def _decided_args(app: App, tool: str) -> dict[str, Any]:
    """The arguments of the latest ``tool`` step the policy decided: what a confirmation asks
    about, as the audit trail holds them."""
    trail = open_trail(Settings(data_dir=app.data_dir))
    decided = [r for r in trail.records() if r.kind == "policy.decided" and r.tool == tool]
    args = decided[-1].arguments["args"]
    assert isinstance(args, dict)
    return args


def _shows_every_argument(card: Locator, args: dict[str, Any], tool: str) -> None:
    """``card`` lists each of ``args`` under its label, its value as a person reads it."""
    op = default_registry().get(tool)
    shown = shown_arguments(op, op.with_actor(args, "alice"))
    assert {a.name for a in shown} >= set(args), "an argument would go unshown"
    for argument in shown:
        expect(card).to_contain_text(f"{argument.label}: {argument.value}")


def _message(paragraph: Locator) -> Locator:
    """The whole message ``paragraph`` is part of (Chainlit marks each with its step type)."""
    return paragraph.locator("xpath=ancestor::div[@data-step-type][1]")


def _count(database: Path, sql: str, *args: object) -> int:
    with sqlite3.connect(database) as conn:
        return int(conn.execute(sql, args).fetchone()[0])


def test_refund_and_note_confirmed_with_buttons_offline(
    app: App, browser: Browser, tmp_path: Path
) -> None:
    erp, crm = app.data_dir / "erp.db", app.data_dir / "crm.db"
    refunds = "SELECT count(*) FROM refunds WHERE invoice_id = ? AND amount_cents = 4500"
    notes = "SELECT count(*) FROM notes WHERE case_id = ?"
    assert _count(erp, refunds, _planted.DAMAGED_INVOICE) == 0
    assert _count(crm, notes, _planted.DAMAGED_CASE) == 0
    offline = Offline()
    page = _sign_in(browser, app, offline, "alice", height=1400)  # the whole flow, unscrolled

    _say(page, BLUE_HARBOR_REQUEST)
    expect(page.get_by_role("button", name="Plan", exact=True)).to_be_visible()
    expect(
        page.get_by_role("listitem").filter(has_text=re.compile(r"^Refund \$45\.00 to Blue"))
    ).to_be_visible()
    refund = _message(_said(page, r"^Please confirm: Refund \$45\.00 to Blue Harbor"))
    expect(refund).to_be_visible()
    # Every argument it will be sent, as a person reads it, before the buttons.
    _shows_every_argument(refund, _decided_args(app, "erp.create_refund"), "erp.create_refund")
    expect(refund).to_contain_text("Amount to refund: $45.00")
    expect(refund).to_contain_text("Why: Changes are confirmed before they run")
    expect(page.get_by_text("LLMs can make mistakes")).to_have_count(0)
    expect(page.get_by_text("aios asks before it changes anything")).to_be_visible()
    page.get_by_role("button", name="Approve").click()

    # The refund runs, then the note asks for its own confirmation; the first buttons are gone.
    refunded = re.compile(r"^Refunded \$45\.00 on invoice INV-\d+ \(credit note CN-\d+\)$")
    expect(page.get_by_role("button", name=refunded)).to_be_visible()
    note = _message(_said(page, r"^Please confirm: Add a note to case CS-1007"))
    expect(note).to_be_visible()
    _shows_every_argument(note, _decided_args(app, "crm.add_note"), "crm.add_note")
    expect(note).to_contain_text("Username writing the note: alice")
    expect(page.get_by_role("button", name="Approve")).to_have_count(1)
    page.get_by_role("button", name="Approve").click()
    noted = re.compile(r"^Added a note to case CS-1007 \(note \d+\)$")
    expect(page.get_by_role("button", name=noted)).to_be_visible()

    expect(
        _said(page, r"^Refunded \$45\.00 to Blue Harbor Logistics as credit note")
    ).to_be_visible()
    expect(_said(page, r"^Noted on case CS-1007 of Blue Harbor Logistics")).to_be_visible()
    expect(page.get_by_role("button", name="Approve")).to_have_count(0)
    shot = tmp_path / "screenshot-chat.png"
    page.get_by_text(BLUE_HARBOR_REQUEST, exact=True).evaluate(SCROLL_TO_TOP)
    page.screenshot(path=str(shot), animations="disabled")
    if os.environ.get("AIOS_UPDATE_SCREENSHOT") == "1":
        shutil.copyfile(shot, REPO / "docs" / "screenshot-chat.png")
    page.get_by_role("button", name=refunded).click()  # its input and output
    expect(page.get_by_text(re.compile(r'"id": "CN-\d+"'))).to_be_visible()

    assert _count(erp, refunds, _planted.DAMAGED_INVOICE) == 1
    assert _count(crm, notes, _planted.DAMAGED_CASE) == 1
    assert offline.blocked == [], "the page asked other hosts for:\n" + "\n".join(offline.blocked)


def test_a_large_refund_waits_for_finance_and_another_user_approves_it(
    app: App, browser: Browser
) -> None:
    erp = app.data_dir / "erp.db"
    refunds = "SELECT count(*) FROM refunds WHERE invoice_id = ? AND amount_cents = 90000"
    offline = Offline()
    alice = _sign_in(browser, app, offline, "alice")

    _say(alice, f"refund $900 on {_planted.PLATINUM_ORDER}")
    expect(_said(alice, r"^Needs approval by finance \(four-eyes\): Refund \$900")).to_be_visible()
    expect(alice.get_by_role("button", name="Approve")).to_have_count(0)

    dave = _sign_in(browser, app, offline, "dave")
    _say(dave, "/approvals")
    asks = r"^alice asks for your approval as finance \(request AP-\w+\): Refund \$900"
    expect(_said(dave, asks)).to_be_visible()
    dave.get_by_role("button", name="Approve").click()
    expect(_said(dave, r"^Refunded \$900\.00 to Kestrel")).to_be_visible()

    # alice's open chat is told without her asking.
    expect(
        _said(alice, r"^Your request AP-\w+ \(Refund \$900.* was approved by dave")
    ).to_be_visible()
    _say(alice, "/pending")
    expect(_said(alice, r"^Nothing is waiting for a decision")).to_be_visible()
    assert _count(erp, refunds, _planted.PLATINUM_PAID_INVOICE) == 1
    assert offline.blocked == [], "the page asked other hosts for:\n" + "\n".join(offline.blocked)


def test_aios_serve_puts_the_api_beside_the_chat(served: App, browser: Browser) -> None:
    """One process, one ledger: a request made in the chat is decided over the API, and the
    requester's open chat is told."""
    erp = served.data_dir / "erp.db"
    refunds = "SELECT count(*) FROM refunds WHERE invoice_id = ? AND amount_cents = 90000"
    directory = open_directory(
        Settings(data_dir=served.data_dir),
        load_policy(REPO / "policies" / "actions.yaml").policy.roles,
    )
    dave = {"Authorization": f"Bearer {directory.add_key('dave', 'browser test')[1]}"}
    offline = Offline()
    alice = _sign_in(browser, served, offline, "alice")
    _say(alice, f"refund $900 on {_planted.PLATINUM_ORDER}")
    expect(_said(alice, r"^Needs approval by finance \(four-eyes\): Refund \$900")).to_be_visible()

    waiting = httpx.get(f"{served.base}/v1/approvals", headers=dave).json()["waiting"]
    assert [(a["requester"], a["tool"]) for a in waiting] == [("alice", "erp.create_refund")]
    decided = httpx.post(
        f"{served.base}/v1/approvals/{waiting[0]['id']}/decision",
        json={"answer": "approve"},
        headers=dave,
        timeout=TURN_MS / 1000,
    )
    assert decided.json()["status"] == "completed", decided.text
    expect(
        _said(alice, r"^Your request AP-\w+ \(Refund \$900.* was approved by dave")
    ).to_be_visible()
    assert _count(erp, refunds, _planted.PLATINUM_PAID_INVOICE) == 1
    assert offline.blocked == [], "the page asked other hosts for:\n" + "\n".join(offline.blocked)


def test_sign_in_asks_for_a_user_name_names_the_demo_users_and_says_what_failed(
    app: App, browser: Browser, tmp_path: Path
) -> None:
    offline = Offline()
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.route("**/*", offline.route)
    page = context.new_page()
    page.goto(app.url)
    expect(page.get_by_label("User name")).to_be_visible()
    expect(page.get_by_text("Email address")).to_have_count(0)
    demo = "Demo: sign in as alice, bob, carol, dave, erin, frank, grace with the password"
    expect(page.get_by_text(demo)).to_be_visible()
    page.get_by_label("User name").fill("alice")
    page.locator("input[type=password]").fill("not-" + PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_text("Wrong user name or password.").first).to_be_visible()
    expect(page.get_by_text(re.compile("credentialssignin", re.I))).to_have_count(0)
    page.screenshot(path=str(tmp_path / "sign-in.png"))
    assert offline.blocked == [], "the page asked other hosts for:\n" + "\n".join(offline.blocked)


def test_the_approver_sees_the_whole_picture_and_a_rejection_reaches_the_requester_once(
    app: App, browser: Browser, tmp_path: Path
) -> None:
    erp = app.data_dir / "erp.db"
    invoice = _planted.PLATINUM_PAID_INVOICE
    with sqlite3.connect(erp) as conn:
        earlier = [
            r[0] for r in conn.execute("SELECT id FROM refunds WHERE invoice_id = ?", (invoice,))
        ]
    offline = Offline()
    alice = _sign_in(browser, app, offline, "alice")
    _say(alice, f"refund $700 on {_planted.PLATINUM_ORDER}, damaged in transit")
    expect(_said(alice, r"^Needs approval by finance \(four-eyes\): Refund \$700")).to_be_visible()

    dave = _sign_in(browser, app, offline, "dave", height=1300)
    _say(dave, "/approvals")
    card = _message(_said(dave, r"^alice asks for your approval as finance \(request AP-\w+\)"))
    expect(card).to_be_visible()
    _shows_every_argument(card, _decided_args(app, "erp.create_refund"), "erp.create_refund")
    expect(card).to_contain_text("Why approval is needed: Refund")
    expect(card).to_contain_text(re.compile(r"Requested by alice at \d{4}-\d\d-\d\d \d\d:\d\d UTC"))
    expect(card).to_contain_text(re.compile(r"due \d\d:\d\d UTC \(due in \d+ min\)"))
    expect(card).to_contain_text("escalation level 0 (first asked of finance)")
    expect(card).to_contain_text(f"Earlier refunds on invoice {invoice}:")
    for refund in earlier:
        expect(card).to_contain_text(refund)
    if not earlier:
        expect(card).to_contain_text(f"Earlier refunds on invoice {invoice}: none.")
    summary = _said(dave, r"request waits for your decision")
    expect(summary).to_be_visible()
    shot = tmp_path / "screenshot-approver.png"
    card.evaluate(SCROLL_TO_TOP)
    dave.screenshot(path=str(shot), animations="disabled")
    if os.environ.get("AIOS_UPDATE_SCREENSHOT") == "1":
        shutil.copyfile(shot, REPO / "docs" / "screenshot-approver.png")

    dave.get_by_role("button", name="Reject").click()
    expect(_said(dave, r"^Why do you reject it\?")).to_be_visible()
    reason = "Already refunded by bank transfer"
    dave.get_by_placeholder("Type your message here...").fill(reason)
    dave.locator("#chat-submit").click()
    expect(_said(dave, rf"^Rejected by dave: {reason}\. Nothing was changed")).to_be_visible()
    # The count above is no longer stale once the request is decided.
    expect(_said(dave, r"^Nothing waits for your approval")).to_be_visible()
    expect(dave.get_by_text(re.compile(r"request waits for your decision"))).to_have_count(0)

    told = re.compile(rf"^Your request AP-\w+ \(Refund \$700.* was rejected by dave: {reason}\.")
    expect(_said(alice, told.pattern)).to_be_visible()
    time.sleep(3)  # longer than a notice round (app.NOTICE_EVERY_S): a second would be here
    expect(alice.get_by_role("article").filter(has_text=told)).to_have_count(1)
    expect(alice.get_by_text(re.compile("Rejected by dave", re.I))).to_have_count(1)
    assert _count(erp, "SELECT count(*) FROM refunds WHERE amount_cents = 70000") == 0
    assert offline.blocked == [], "the page asked other hosts for:\n" + "\n".join(offline.blocked)


def test_a_call_an_ai_assistant_made_is_confirmed_in_the_chat(app: App, browser: Browser) -> None:
    # bob: no other test signs in as him, so his chats open on nothing but this card.
    erp = app.data_dir / "erp.db"
    refunds = "SELECT count(*) FROM refunds WHERE invoice_id = ? AND amount_cents = 1200"
    args = {"invoice_id": _planted.DAMAGED_INVOICE, "amount": "12.00", "reason": "damaged"}
    held = Confirmations(
        open_database(Settings(data_dir=app.data_dir), "state"), timedelta(minutes=10), utc_now
    ).issue(
        "bob", "erp.create_refund", args, reason="default for write operations",
        client="desk-agent 2.1", key_of=lambda ident: "browser-" + ident.removeprefix("CF-"),
    )  # fmt: skip
    offline = Offline()
    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    context.route("**/*", offline.route)
    page = context.new_page()
    page.set_default_timeout(TURN_MS)
    page.goto(app.url)
    page.get_by_label("User name").fill("bob")
    page.locator("input[type=password]").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()

    # Shown as the chat opens: who asks, exactly what runs.
    card = _message(_said(page, r"^desk-agent 2\.1 asks to run erp\.create_refund for you"))
    expect(card).to_be_visible()
    for name, value in args.items():
        expect(card).to_contain_text(f"{name}: {value}")
    expect(card).to_contain_text(held.id)
    page.get_by_role("button", name="Confirm", exact=True).click()
    expect(_said(page, r"^Confirmed: erp\.create_refund\. It ran once\.")).to_be_visible()
    expect(page.get_by_role("button", name="Confirm", exact=True)).to_have_count(0)
    assert _count(erp, refunds, _planted.DAMAGED_INVOICE) == 1

    # Asked for in words afterwards: nothing waits any more.
    _say(page, "my pending confirmations")
    expect(page.get_by_text("No calls from an AI assistant are waiting")).to_be_visible()
    assert _count(erp, refunds, _planted.DAMAGED_INVOICE) == 1
    assert offline.blocked == [], "the page asked other hosts for:\n" + "\n".join(offline.blocked)
