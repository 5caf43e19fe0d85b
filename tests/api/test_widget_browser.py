"""The embeddable widget end to end: the example intranet page on one loopback origin, the real
API on another, Debian's Chromium in between.

The page embeds ``/widget.js`` with one tag and a key scoped to its origin, exactly as
``examples/README.md`` says. Every request the page makes is recorded: none may leave the two
origins. Outcomes are checked in the systems' databases, not in the page.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Locator, Page, Request, expect
from starlette.applications import Starlette
from starlette.requests import Request as PageRequest
from starlette.responses import HTMLResponse
from starlette.routing import Route

from aios.api.app import create_app
from aios.api.store import ApiStore, open_api_store
from aios.assistant.factory import Runtime, build_runtime
from aios.knowledge.index import KnowledgeIndex
from aios.loopback import serve
from connectors.crm.models import Note
from connectors.demo import _planted as planted
from connectors.erp.models import Refund

REPO = Path(__file__).resolve().parents[2]
PAGE = REPO / "examples" / "intranet.html"
WIDGET = REPO / "aios" / "api" / "static" / "widget.js"
TITLE = "Meridian assistant"  # the page's data-aios-title
TURN_MS = 60_000
BLUE_HARBOR_REQUEST = (
    "Blue Harbor says order SO-1042 arrived broken, refund them $45 and note it on their open case"
)

expect.set_options(timeout=TURN_MS)


def in_chromium(test: Callable[..., None]) -> Callable[..., None]:
    for mark in (pytest.mark.browser, pytest.mark.slow, pytest.mark.timeout(600)):
        test = mark(test)
    return test


@dataclass
class Stack:
    page: str
    """The intranet page's origin."""
    api: str
    """The API's origin, where the page loads ``/widget.js`` from."""
    runtime: Runtime
    store: ApiStore
    requests: list[str] = field(default_factory=list)
    """Every request the browser made, as ``METHOD url``."""

    def record(self, request: Request) -> None:
        self.requests.append(f"{request.method} {request.url}")

    def strays(self) -> list[str]:
        """Requests to anywhere but the page's and the API's origin."""
        mine = {self.page, self.api}
        return [r for r in self.requests if _origin(r.split(" ", 1)[1]) not in mine]


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _portal(filled: dict[str, str]) -> Starlette:
    """The example page with its placeholders filled in, as the README's ``sed`` does."""

    async def page(_: PageRequest) -> HTMLResponse:
        html = PAGE.read_text(encoding="utf-8")
        html = html.replace("__AIOS_API__", filled["api"]).replace("__AIOS_KEY__", filled["key"])
        return HTMLResponse(html)

    return Starlette(routes=[Route("/", page)])


@pytest.fixture
def start(demo_settings, embedder) -> Iterator[Callable[..., Stack]]:
    """Starts the page and the API on two loopback origins; the widget key is alice's, scoped to
    the page's origin unless ``key_origin`` says another."""
    with ExitStack() as running:

        def up(key_origin: str | None = None, rate: str | None = None) -> Stack:
            filled: dict[str, str] = {}
            page = running.enter_context(serve(_portal(filled)))
            index = KnowledgeIndex(demo_settings.data_dir, embedder)
            index.ingest([REPO / "knowledge" / "finance"], REPO / "knowledge")
            index.close()
            settings = demo_settings.model_copy(update={"api_cors_origins": [page]})
            runtime = build_runtime(settings, embedder=embedder)
            store = open_api_store(settings)
            api = running.enter_context(serve(create_app(runtime, store)))
            _, key = runtime.users.add_key(
                "alice", "widget", origins=[key_origin or page], rate_limit=rate
            )
            filled.update(api=api, key=key)
            return Stack(page, api, runtime, store)

        yield up


def _open_widget(browser: Browser, stack: Stack) -> tuple[Page, Locator]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.on("request", stack.record)
    page = context.new_page()
    page.set_default_timeout(TURN_MS)
    page.goto(stack.page)
    return page, _launch(page)


def _launch(page: Page) -> Locator:
    launcher = page.get_by_role("button", name=TITLE, exact=True)
    expect(launcher).to_have_attribute("aria-expanded", "false")
    launcher.click()
    expect(launcher).to_have_attribute("aria-expanded", "true")
    panel = page.get_by_role("dialog", name=TITLE)
    expect(panel).to_be_visible()
    return panel


def _say(panel: Locator, text: str) -> None:
    box = panel.get_by_role("textbox", name=f"Message to {TITLE}")
    expect(box).to_be_focused()
    box.fill(text)
    box.press("Enter")
    expect(panel.get_by_text(text, exact=True)).to_be_visible()


def _refunds(rows, invoice: str, cents: int) -> list[Refund]:
    return [r for r in rows("erp", Refund) if r.invoice_id == invoice and r.amount_cents == cents]


@in_chromium
def test_refund_confirmed_in_the_widget_on_an_intranet_page(start, browser, rows) -> None:
    stack = start()
    page, panel = _open_widget(browser, stack)
    expect(panel.get_by_text(re.compile(r"\u00b7 agent$"))).to_be_visible()  # the key's user

    _say(panel, BLUE_HARBOR_REQUEST)
    plan = panel.get_by_role("group", name="Plan")
    expect(plan.get_by_role("listitem")).to_have_count(2)
    expect(plan.get_by_role("listitem").first).to_contain_text("erp.create_refund")
    expect(plan.get_by_role("listitem").last).to_contain_text("crm.add_note")

    confirm = panel.get_by_role("group", name="Please confirm").last
    expect(confirm).to_contain_text("Refund $45.00 to Blue Harbor Logistics on invoice INV-2038")
    arguments = confirm.locator('[aria-label="Exactly what will be sent to erp.create_refund"]')
    expect(arguments).to_contain_text("INV-2038")
    expect(arguments).to_contain_text("45.00")
    approve = panel.get_by_role("button", name=re.compile(r"^Approve: Refund \$45\.00"))
    # The page styles its buttons (serif, upper case); none of that reaches the widget.
    assert approve.evaluate("b => getComputedStyle(b).textTransform") == "none"
    assert "Georgia" not in approve.evaluate("b => getComputedStyle(b).fontFamily")
    approve.click()

    # The refund runs, then the note asks for its own confirmation.
    expect(plan.get_by_role("listitem").first).to_contain_text("done")
    note = panel.get_by_role("button", name=re.compile(r"^Approve: Add a note to case CS-1007"))
    # The refund is told when it is done, before the note is confirmed.
    reply = panel.get_by_text(re.compile(r"^Refunded \$45\.00 to Blue Harbor Logistics as credit"))
    expect(reply).to_be_visible()
    note.click()
    expect(plan.get_by_role("listitem").last).to_contain_text("done")
    expect(panel.get_by_role("button", name=re.compile("^Approve"))).to_have_count(0)

    assert len(_refunds(rows, planted.DAMAGED_INVOICE, 4500)) == 1
    assert [
        n for n in rows("crm", Note) if n.case_id == planted.DAMAGED_CASE and n.author == "alice"
    ]

    # Escape closes the panel; a reload goes on with the same conversation.
    panel.get_by_role("textbox").press("Escape")
    expect(panel).to_be_hidden()
    expect(page.get_by_role("button", name=TITLE, exact=True)).to_be_focused()
    page.reload()
    panel = _launch(page)
    # The request shows as said; the note's body, composed from the refund it records, shows in
    # the replayed confirmation.
    expect(panel.get_by_text(BLUE_HARBOR_REQUEST, exact=True)).to_have_count(1)
    body = "Refund $45.00 to Blue Harbor Logistics on invoice INV-2038 (order SO-1042)."
    expect(panel.get_by_text(body, exact=False).first).to_be_visible()
    expect(panel.get_by_text(re.compile(r"^Refunded \$45\.00 to Blue Harbor"))).to_be_visible()
    expect(panel.get_by_role("button", name=re.compile("^Approve"))).to_have_count(0)
    assert len(_refunds(rows, planted.DAMAGED_INVOICE, 4500)) == 1
    assert len(stack.store.sessions("alice")) == 1

    assert f"GET {stack.api}/widget.js" in stack.requests
    assert stack.strays() == []


@in_chromium
def test_a_knowledge_answer_shows_its_sources(start, browser) -> None:
    stack = start()
    _, panel = _open_widget(browser, stack)
    _say(panel, "how long is the refund window?")
    answer = panel.locator(".msg.assistant").last
    expect(answer).to_contain_text("A refund must be requested within 90 days of delivery")
    sources = panel.get_by_role("group", name="Sources")
    expect(sources).to_contain_text("Refund Policy v2 \u203a Refund window")
    expect(sources).to_contain_text("finance/refund-policy-v2.md")
    assert stack.strays() == []


@in_chromium
def test_a_key_for_another_origin_is_refused_plainly(start, browser, rows) -> None:
    stack = start(key_origin="http://intranet.example.com")
    _, panel = _open_widget(browser, stack)
    refusal = panel.get_by_role("alert").first
    expect(refusal).to_contain_text("This key works only on the pages it was made for")
    expect(refusal).to_contain_text("http://intranet.example.com")

    _say(panel, "refund $45 on SO-1042")
    expect(panel.get_by_role("alert")).to_have_count(2)
    expect(panel.get_by_role("group", name="Please confirm")).to_have_count(0)
    assert _refunds(rows, planted.DAMAGED_INVOICE, 4500) == []
    assert stack.store.sessions("alice") == []
    assert stack.strays() == []


@in_chromium
def test_a_rate_limited_key_is_told_when_to_try_again(start, browser, rows) -> None:
    stack = start(rate="2/minute")  # the widget's first look (who am I) spends one
    _, panel = _open_widget(browser, stack)
    expect(panel.get_by_text(re.compile(r"\u00b7 agent$"))).to_be_visible()
    _say(panel, "refund $45 on SO-1042")  # creating the session spends the second
    expect(panel.get_by_role("alert")).to_contain_text(re.compile(r"try again in \d+ s"))
    assert _refunds(rows, planted.DAMAGED_INVOICE, 4500) == []


def test_the_widget_builds_its_panel_from_text_and_fetches_nothing_of_its_own() -> None:
    """What the browser tests show, held for every line of the script: server text never
    becomes markup or code, and the only address in it is the SVG namespace (not a request)."""
    source = WIDGET.read_text(encoding="utf-8")
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval("):
        assert sink not in source
    assert "new Function" not in source and "import(" not in source
    assert re.findall(r"[a-z]+://[^\s\"'`)]+", source) == ["http://www.w3.org/2000/svg"]
