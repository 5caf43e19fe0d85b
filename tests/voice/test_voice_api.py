"""The voice routes over the real assistant: spoken audio in, a confirmed refund out, through
the same message route as typed text; and audio that cannot be used is refused, doing nothing."""

from __future__ import annotations

import io
import json
import os
import wave

import pytest
from fastapi.testclient import TestClient

from aios.api.app import create_app
from aios.api.store import open_api_store
from aios.voice.routes import MAX_BYTES
from connectors.demo import _planted as planted
from connectors.erp.models import Refund
from tests.voice.conftest import REQUEST


@pytest.fixture
def api(runtime, demo_settings):
    return TestClient(create_app(runtime, open_api_store(demo_settings)))


@pytest.fixture
def alice(runtime):
    return {"Authorization": f"Bearer {runtime.users.add_key('alice', 'voice')[1]}"}


def _session(api, headers) -> str:
    return api.post("/v1/sessions", headers=headers).json()["id"]


def _heard(api, headers, wav: bytes) -> dict:
    answer = api.post(
        "/v1/voice/transcribe", content=wav, headers={**headers, "Content-Type": "audio/wav"}
    )
    assert answer.status_code == 200, answer.text
    return answer.json()


def _say(api, headers, session, text) -> dict:
    return api.post(f"/v1/sessions/{session}/messages", json={"text": text}, headers=headers).json()


def _silence(seconds: float) -> bytes:
    out = io.BytesIO()
    with wave.open(out, "wb") as writer:
        writer.setnchannels(1)
        writer.setsampwidth(2)
        writer.setframerate(16_000)
        writer.writeframes(b"\0\0" * int(16_000 * seconds))
    return out.getvalue()


def _refunds(rows) -> list[Refund]:
    return [r for r in rows("erp", Refund) if r.invoice_id == planted.DAMAGED_INVOICE]


def test_a_spoken_refund_is_read_back_and_carried_out_on_a_spoken_yes(api, alice, rows, spoken):
    session = _session(api, alice)
    heard = _heard(api, alice, spoken(REQUEST))
    assert heard["engine"] == "whisper" and "SO-1042" in heard["text"]
    turn = _say(api, alice, session, heard["text"])
    assert turn["status"] == "awaiting_confirmation"
    [plan] = [e for e in turn["events"] if e["type"] == "plan"]
    assert [s["tool"] for s in plan["steps"]] == ["erp.create_refund"]
    [confirm] = [e for e in turn["events"] if e["type"] == "confirmation_required"]
    assert confirm["tool"] == "erp.create_refund" and confirm["args"]["amount"] == "45.00"
    assert _refunds(rows) == []

    # The confirmation is read back in speech, and that speech says what will be done.
    read_back = api.post("/v1/voice/speech", json={"text": confirm["text"]}, headers=alice)
    assert read_back.headers["content-type"] == "audio/wav"
    assert "refund" in _heard(api, alice, read_back.content)["text"].lower()

    yes = _heard(api, alice, spoken("Yes, confirm."))
    done = _say(api, alice, session, yes["text"])
    assert done["status"] == "completed", done
    [refund] = _refunds(rows)
    assert refund.amount_cents == 4500
    # A second "yes" finds nothing waiting: the refund is not made twice.
    assert _say(api, alice, session, yes["text"])["status"] != "awaiting_confirmation"
    assert len(_refunds(rows)) == 1


@pytest.mark.parametrize(
    ("body", "kind", "status", "code"),
    [
        (b"", "audio/wav", 422, "invalid_audio"),
        (os.urandom(4096), "audio/webm", 422, "invalid_audio"),
        (b"RIFF" + os.urandom(2048), "audio/wav", 422, "invalid_audio"),
        (_silence(1.0), "audio/wav", 422, "no_speech"),
        (_silence(31.0), "audio/wav", 413, "audio_too_long"),
        (b"\0" * (MAX_BYTES + 1), "audio/wav", 413, "too_large"),
        (b"hello", "text/plain", 415, "unsupported_media_type"),
    ],
    ids=["empty", "garbled", "broken-wav", "silence", "too-long", "huge", "not-audio"],
)
def test_audio_that_cannot_be_used_is_a_problem_and_nothing_runs(
    api, alice, runtime, body, kind, status, code
):
    session = _session(api, alice)
    refused = api.post(
        "/v1/voice/transcribe", content=body, headers={**alice, "Content-Type": kind}
    )
    assert (refused.status_code, refused.json()["code"]) == (status, code), refused.text
    assert refused.headers["content-type"] == "application/problem+json"
    assert api.get(f"/v1/sessions/{session}/transcript", headers=alice).json() == []


def test_the_voice_routes_need_a_key_and_bounded_text(api, alice, spoken):
    wav = spoken("Yes, confirm.")
    for headers in ({}, {"Authorization": "Bearer aios_nope"}):
        refused = api.post("/v1/voice/transcribe", content=wav, headers=headers)
        assert (refused.status_code, refused.json()["code"]) == (401, "unauthorized")
        assert api.post("/v1/voice/speech", json={"text": "hi"}, headers=headers).status_code == 401
    # Empty, too long, a NUL or an unpaired surrogate (no engine can say them): refused, never 500.
    for text in ("", "x" * 1001, "refund\u0000 it", "V\uda91 ok"):
        body = json.dumps({"text": text})  # escaped as JSON: a client may send any of these
        refused = api.post(
            "/v1/voice/speech",
            content=body,
            headers={**alice, "Content-Type": "application/json"},
        )
        assert (refused.status_code, refused.json()["code"]) == (422, "invalid_input")


def test_the_page_is_served_without_a_key(api):
    page = api.get("/voice")
    assert page.status_code == 200 and 'src="/voice/voice.js"' in page.text
    assert api.get("/voice/voice.js").headers["content-type"].startswith("application/javascript")
