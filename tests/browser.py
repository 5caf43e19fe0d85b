"""Debian's Chromium for the browser tests, launched the one way this machine allows: headless,
no sandbox, nothing fetched in the background. Never a downloaded browser."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import Browser, sync_playwright

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking")


def chromium_or_skip() -> str:
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} not found: install Debian's Chromium (apt-get install chromium)")
    return str(CHROMIUM)


@contextmanager
def launched(*flags: str) -> Iterator[Browser]:
    """Chromium with the standard flags and ``flags``; skips the test without Chromium."""
    executable = chromium_or_skip()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=[*FLAGS, *flags])
        try:
            yield browser
        finally:
            browser.close()
