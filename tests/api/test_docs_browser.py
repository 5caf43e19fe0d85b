"""``/docs`` as a person opens it on a machine without internet: Debian's Chromium with every
request that would leave loopback refused, and the API reference still drawn."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Route, expect

from aios.api.openapi import routes_only
from aios.loopback import serve

pytestmark = [pytest.mark.browser, pytest.mark.timeout(120)]


def test_docs_render_with_the_network_blocked(browser: Browser) -> None:
    refused: list[str] = []

    def offline(route: Route) -> None:
        if urlsplit(route.request.url).hostname == "127.0.0.1":
            route.continue_()
        else:
            refused.append(route.request.url)
            route.abort("internetdisconnected")

    with serve(routes_only()) as api:
        context = browser.new_context()
        context.route("**/*", offline)
        page = context.new_page()
        page.goto(f"{api}/docs")
        expect(page.locator(".swagger-ui .info .title")).to_contain_text("aios API")
        # The operations list is drawn from the OpenAPI document, the last thing the page loads.
        messages = page.locator(
            ".opblock-summary-path", has_text="/v1/sessions/{session_id}/messages"
        )
        expect(messages).to_be_visible()
        expect(page.locator(".opblock")).not_to_have_count(0)
        context.close()

    assert refused == []
