"""The voice page in Debian's headless Chromium, its microphone fed from a WAV file that piper
spoke: signing in with a user name and password, push-to-talk, the transcript shown, the reply
spoken, barge-in, a refund confirmed by voice. The outcome is checked in the ERP's database."""

from __future__ import annotations

import io
import re
import wave
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pytest
from playwright.sync_api import Locator, Page, expect

from aios.api.app import create_app
from aios.api.store import open_api_store
from aios.loopback import serve
from connectors.demo import _planted as planted
from connectors.erp.models import Refund
from tests.browser import launched
from tests.voice.conftest import REQUEST

TURN_MS = 90_000
pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.timeout(600)]
expect.set_options(timeout=TURN_MS)


def _seconds(wav: bytes) -> float:
    with wave.open(io.BytesIO(wav)) as reader:
        return reader.getnframes() / reader.getframerate()


def _padded(wav: bytes) -> bytes:
    """``wav`` between silences: Chromium plays the file from its start when the microphone
    opens, a moment before the recorder starts (longer on a busy machine), and loops it."""
    with wave.open(io.BytesIO(wav)) as reader:
        params = reader.getparams()
        frames = reader.readframes(reader.getnframes())
    out = io.BytesIO()
    with wave.open(out, "wb") as writer:
        writer.setparams(params)
        quiet = np.zeros(params.framerate, np.int16).tobytes()  # one second
        writer.writeframes(quiet + frames + quiet + quiet)
    return out.getvalue()


@pytest.fixture
def microphone(tmp_path) -> Path:
    """The file Chromium's fake microphone plays; a test writes what the operator says next."""
    return tmp_path / "microphone.wav"


@contextmanager
def _voice_page(runtime, settings, *flags: str) -> Iterator[tuple[Page, str, list[str]]]:
    """The voice page open in Chromium, on a server of its own; every request it makes."""
    app = create_app(runtime, open_api_store(settings))
    with serve(app) as url, launched(*flags) as browser:
        requests: list[str] = []
        tab = browser.new_page()
        tab.on("request", lambda r: requests.append(f"{r.method} {r.url}"))
        tab.set_default_timeout(TURN_MS)
        tab.goto(f"{url}/voice")
        yield tab, url, requests


def _sign_in(tab: Page, name: str, password: str) -> None:
    tab.get_by_label("User name").fill(name)
    tab.get_by_label("Password", exact=True).fill(password)
    tab.get_by_role("button", name="Sign in").click()


@pytest.fixture
def page(runtime, demo_settings, microphone, spoken) -> Iterator[tuple[Page, str, list[str]]]:
    microphone.write_bytes(_padded(spoken(REQUEST)))
    flags = (
        "--use-fake-ui-for-media-stream",
        "--use-fake-device-for-media-stream",
        f"--use-file-for-fake-audio-capture={microphone}",
        "--autoplay-policy=no-user-gesture-required",
    )
    with _voice_page(runtime, demo_settings, *flags) as (tab, url, requests):
        _sign_in(tab, "alice", "demo")  # a demo operator, as in the web chat
        expect(tab.get_by_text("Signed in as Alice Moreno (agent).")).to_be_visible()
        yield tab, url, requests


def test_signing_in_as_in_the_chat_and_out(runtime, demo_settings) -> None:
    with _voice_page(runtime, demo_settings) as (tab, _, _):
        # In a demo, the form says whom to sign in as, and with what.
        expect(tab.get_by_text("Demo: sign in as alice, bob,")).to_contain_text("password demo.")
        _sign_in(tab, "alice", "not-her-password")
        expect(tab.get_by_role("alert")).to_have_text("Wrong user name or password.")
        expect(tab.get_by_role("button", name="Hold to talk")).to_be_hidden()

        _sign_in(tab, "alice", "demo")
        expect(tab.get_by_text("Signed in as Alice Moreno (agent).")).to_be_visible()
        [made] = runtime.users.keys("alice")
        assert made.label == "voice sign-in" and made.revoked_at is None
        tab.get_by_role("button", name="Sign out").click()
        expect(tab.get_by_label("User name")).to_be_visible()
        expect(tab.get_by_role("alert")).to_have_text("")  # the old failure is not shown again
        [made] = runtime.users.keys("alice")
        assert made.revoked_at is not None  # signing out ended the key at once

        # An API key of one's own is the advanced way in; signing out only forgets it.
        token = runtime.users.add_key("alice", "voice")[1]
        tab.get_by_text("Advanced: use an API key instead").click()
        expect(tab.get_by_text("aios users add-key YOUR-NAME --label voice")).to_be_visible()
        tab.get_by_label("API key").fill(token)
        tab.get_by_role("button", name="Use this key").click()
        expect(tab.get_by_text("Using your API key.")).to_be_visible()
        tab.get_by_role("button", name="Sign out").click()
        expect(tab.get_by_label("User name")).to_be_visible()
        assert runtime.users.resolve_key(token) is not None


def _press(page: Page) -> Locator:
    button = page.get_by_role("button", name="Hold to talk")
    button.hover()
    page.mouse.down()
    return button


def _release(page: Page, button: Locator, wav: bytes) -> None:
    """Let go once the microphone has recorded for as long as the operator speaks."""
    expect(button).to_have_attribute("data-recording", "true")
    page.wait_for_timeout(int(_seconds(wav) * 1000))
    page.mouse.up()
    expect(button).to_have_attribute("aria-pressed", "false")


def test_a_refund_asked_for_and_confirmed_by_voice(page, microphone, spoken, rows) -> None:
    tab, url, requests = page
    _release(tab, _press(tab), microphone.read_bytes())
    log = tab.get_by_role("list", name="Conversation")
    expect(log.locator("li.you").first).to_contain_text("SO-1042")
    expect(log.locator("li.confirm")).to_contain_text("Refund $45.00")
    # What will be done ends its sentence before how to answer, whatever it ends with.
    expect(log.locator("li.confirm")).to_have_text(re.compile(r"[.?!] Say yes, confirm"))
    reply = tab.locator("audio#reply")
    expect(reply).to_have_attribute("data-state", "playing")
    assert f"POST {url}/v1/voice/speech" in requests
    assert not reply.evaluate("a => a.paused")
    assert [r for r in rows("erp", Refund) if r.invoice_id == planted.DAMAGED_INVOICE] == []

    # A lone "yes" is asked again, out loud and in the log.
    lone = _padded(spoken("Yes."))
    microphone.write_bytes(lone)
    _release(tab, _press(tab), lone)
    expect(log.locator("li.you").nth(1)).to_have_text(re.compile(r"^yes\.?$", re.I))
    expect(log.locator("li.aios").last).to_have_text("To go ahead, say: yes, confirm.")
    expect(reply).to_have_attribute("data-state", "playing")

    # The operator answers while the question is still being read: it stops at once.
    yes = _padded(spoken("Yes, confirm."))
    microphone.write_bytes(yes)
    button = _press(tab)
    expect(reply).to_have_attribute("data-state", "stopped")
    assert reply.evaluate("a => a.paused")
    _release(tab, button, yes)

    expect(log.locator("li.you").nth(2)).to_have_text(re.compile(r"^yes, confirm\.?$", re.I))
    expect(log.locator("li.aios").last).to_contain_text("Refunded $45.00")
    [refund] = [r for r in rows("erp", Refund) if r.invoice_id == planted.DAMAGED_INVOICE]
    assert refund.amount_cents == 4500
    # Nothing leaves aios: the replies play from blob: URLs of the page's own origin.
    assert all(r.split(" ", 1)[1].removeprefix("blob:").startswith(url) for r in requests)
