"""A telephone call over /v1/voice/calls on a real server on loopback, with a real WebSocket
client streaming piper's speech as 16 kHz PCM: a refund planned, read back as audio, not
confirmed by a lone "yes", carried out once on "yes, confirm"; the caller talking over the
reply stops it; and every kind of bad input ends the call with its reason, the server unhurt."""

from __future__ import annotations

import io
import json
import wave
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import numpy as np
import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection, connect

from aios.api.app import create_app
from aios.api.store import open_api_store
from aios.loopback import serve
from aios.voice import calls
from aios.voice.audio import RATE, Speech, floats
from aios.voice.call_messages import MAX_FRAME_BYTES
from aios.voice.dialogue import ASK_EXPLICIT
from connectors.demo import _planted as planted
from connectors.erp.models import Refund
from tests.voice.conftest import REQUEST

TURN_S = 120
"""A turn hears, plans and speaks on a busy two-core machine: generous."""
pytestmark = pytest.mark.timeout(600)


@pytest.fixture
def server(runtime, demo_settings) -> Iterator[str]:
    with serve(create_app(runtime, open_api_store(demo_settings))) as url:
        yield url


@pytest.fixture
def key(runtime) -> str:
    return runtime.users.add_key("alice", "gateway")[1]


def _pcm(wav: bytes) -> bytes:
    """``wav`` as the gateway sends it: 16 kHz 16-bit mono, then a second of the line's quiet,
    which ends the utterance."""
    with wave.open(io.BytesIO(wav)) as reader:
        samples = np.frombuffer(reader.readframes(reader.getnframes()), dtype=np.int16)
        speech = Speech(samples=samples, rate=reader.getframerate()).resampled(RATE)
    return speech.samples.tobytes() + bytes(2 * RATE)


class Caller:
    """The gateway's side: sends the caller's audio, collects what the server says and plays."""

    def __init__(self, ws: ClientConnection) -> None:
        self.ws = ws
        self.audio: dict[int, bytearray] = {}
        self.speaking: int | None = None

    def send(self, **message: Any) -> None:
        self.ws.send(json.dumps(message))

    def start(self, **fields: Any) -> dict[str, Any]:
        self.send(type="start", sample_rate=RATE, encoding="pcm_s16le", channels=1, **fields)
        ready = self.next()
        assert ready["type"] == "ready", ready
        return ready

    def say(self, pcm: bytes) -> None:
        for at in range(0, len(pcm), 640):  # 20 ms packets, as a telephone line carries
            self.ws.send(pcm[at : at + 640])

    def next(self) -> dict[str, Any]:
        """The next JSON message; binary frames before it go to the speech they belong to."""
        while True:
            received = self.ws.recv(timeout=TURN_S)
            if isinstance(received, bytes):
                assert self.speaking is not None, "audio outside a speech"
                self.audio[self.speaking] += received
                continue
            message: dict[str, Any] = json.loads(received)
            if message["type"] == "speech":
                self.speaking = message["id"]
                self.audio[message["id"]] = bytearray()
            elif message["type"] in ("end_of_speech", "clear"):
                self.speaking = None
            return message

    def hear_a_frame(self) -> None:
        """The first frame of the speech announced last (nothing comes between them)."""
        received = self.ws.recv(timeout=TURN_S)
        assert isinstance(received, bytes) and self.speaking is not None, received
        self.audio[self.speaking] += received

    def until(self, kind: str) -> list[dict[str, Any]]:
        """Messages up to the first of type ``kind``, which is last."""
        got = [self.next()]
        while got[-1]["type"] != kind:
            got.append(self.next())
        return got

    def heard_back(self, speech: int, whisper) -> str:
        samples = np.frombuffer(bytes(self.audio[speech]), dtype=np.int16)
        return str(whisper.transcribe(floats(samples)).text)


@contextmanager
def _call(server: str, key: str | None = None, **headers: str) -> Iterator[Caller]:
    url = server.replace("http://", "ws://") + "/v1/voice/calls"
    if key is not None:
        headers["Authorization"] = f"Bearer {key}"
    with connect(url, additional_headers=headers, open_timeout=10) as ws:
        yield Caller(ws)


def _one(messages: list[dict[str, Any]], kind: str) -> dict[str, Any]:
    [found] = [m for m in messages if m["type"] == kind]
    return found


def _refunds(rows) -> list[Refund]:
    return [r for r in rows("erp", Refund) if r.invoice_id == planted.DAMAGED_INVOICE]


def _closed(caller: Caller) -> tuple[dict[str, Any], int, str]:
    """The error the server ends the call with, and its close code and reason."""
    said = json.loads(caller.ws.recv(timeout=10))
    with pytest.raises(ConnectionClosed) as closed:
        caller.ws.recv(timeout=10)
    assert closed.value.rcvd is not None
    return said, closed.value.rcvd.code, closed.value.rcvd.reason


def test_a_call_reads_the_refund_back_and_only_yes_confirm_carries_it_out_once(
    server, key, runtime, rows, spoken, whisper
):
    with _call(server, key) as caller:
        # A gateway with a deep buffer (as media-streams services have) takes speech at once.
        session = caller.start(buffer_ms=120_000)["session_id"]
        caller.say(_pcm(spoken(REQUEST)))
        first = caller.until("end_of_speech")
        assert "SO-1042" in _one(first, "transcript")["text"]
        turn = _one(first, "turn")
        assert turn["status"] == "awaiting_confirmation"
        [confirm] = [e for e in turn["events"] if e["type"] == "confirmation_required"]
        assert confirm["tool"] == "erp.create_refund" and confirm["args"]["amount"] == "45.00"
        # The confirmation is read back in full, as audio, and says how to answer.
        speech = _one(first, "speech")
        assert confirm["text"].replace("*", "") in speech["text"]
        assert "Say yes, confirm" in speech["text"]
        assert "refund" in caller.heard_back(speech["id"], whisper).lower()
        caller.send(type="played", id=speech["id"])

        caller.say(_pcm(spoken("Yes.")))
        lone = caller.until("end_of_speech")
        assert [m["type"] for m in lone] == ["transcript", "speech", "end_of_speech"]
        assert _one(lone, "speech")["text"] == ASK_EXPLICIT
        assert runtime.assistant.pending(session) is not None and _refunds(rows) == []
        caller.send(type="played", id=_one(lone, "speech")["id"])

        caller.say(_pcm(spoken("Yes, confirm.")))
        done = caller.until("end_of_speech")
        assert _one(done, "turn")["status"] == "completed", done
        [refund] = _refunds(rows)
        assert refund.amount_cents == 4500

        caller.send(type="hangup")
        with pytest.raises(ConnectionClosed) as closed:
            caller.next()
        assert closed.value.rcvd is not None and closed.value.rcvd.code == 1000
    # The lone "yes" never reached the assistant: the session has two turns, like a chat.
    transcript = httpx.get(
        f"{server}/v1/sessions/{session}/transcript", headers={"Authorization": f"Bearer {key}"}
    ).json()
    assert [t["said"] for t in transcript if t["said"]] == [
        _one(first, "transcript")["text"],
        _one(done, "transcript")["text"],
    ]
    assert len(_refunds(rows)) == 1


def test_the_caller_talking_over_the_reply_or_the_gateway_stops_it(server, key, rows, spoken):
    with _call(server, key) as caller:
        caller.start()
        caller.say(_pcm(spoken(REQUEST)))
        speech = _one(caller.until("speech"), "speech")
        caller.hear_a_frame()
        caller.say(_pcm(spoken("No.")))
        # Speech is sent as fast as it plays (one second ahead): it is cut short, not finished.
        stopped = caller.until("clear")
        assert [m["type"] for m in stopped] == ["clear"] and stopped[0]["id"] == speech["id"]
        after = len(caller.audio[speech["id"]])
        answered = caller.until("turn")
        # Not one frame of the interrupted speech after its clear.
        assert len(caller.audio[speech["id"]]) == after
        assert answered[0]["type"] == "transcript" and "no" in answered[0]["text"].lower()
        assert answered[-1]["status"] == "cancelled"
        # The gateway can stop it too (its own voice detection, a key pressed).
        reply = _one(caller.until("speech"), "speech")
        caller.hear_a_frame()
        caller.send(type="stop")
        assert caller.until("clear") == [{"type": "clear", "id": reply["id"]}]
    assert _refunds(rows) == []


def test_bad_input_ends_the_call_with_its_reason_and_the_server_keeps_serving(
    server, key, runtime, monkeypatch
):
    def refused(caller: Caller, status: int, code: str) -> None:
        said, close_code, reason = _closed(caller)
        assert (said["type"], said["code"], close_code, reason) == ("error", code, status, code)
        assert said["message"]

    for headers in ({}, {"Authorization": "Bearer aios_nope"}):
        with _call(server, **headers) as caller:
            refused(caller, 4401, "unauthorized")
    portal = runtime.users.add_key("alice", "portal", origins=["http://portal.example"])[1]
    with _call(server, portal) as caller:
        refused(caller, 4403, "origin_not_allowed")
    once = runtime.users.add_key("alice", "once", rate_limit="1/minute")[1]
    with _call(server, once) as caller:
        caller.start()
    with _call(server, once) as caller:
        refused(caller, 4429, "rate_limited")

    with _call(server, key) as caller:
        caller.ws.send(bytes(640))
        refused(caller, 4400, "not_started")
    with _call(server, key) as caller:
        caller.ws.send("hello")
        refused(caller, 4400, "invalid_message")
    with _call(server, key) as caller:
        caller.send(type="start", sample_rate=8000, encoding="pcm_s16le")
        said, close_code, _ = _closed(caller)
        assert close_code == 4415 and "sample_rate must be 16000, not 8000" in said["message"]
    with _call(server, key) as caller:
        caller.send(type="start", sample_rate=RATE, encoding="mulaw")
        refused(caller, 4415, "unsupported_audio")
    with _call(server, key) as alices:
        hers = alices.start()["session_id"]
    bobs = runtime.users.add_key("bob", "gateway")[1]
    for session in ("api-nothing", hers):
        with _call(server, bobs) as caller:
            caller.send(type="start", sample_rate=RATE, encoding="pcm_s16le", session_id=session)
            refused(caller, 4404, "not_found")

    during: list[tuple[str | bytes, int, str]] = [
        (bytes(MAX_FRAME_BYTES + 2), 4413, "frame_too_large"),
        (bytes(641), 4400, "invalid_audio"),
        (json.dumps({"type": "start", "sample_rate": 1, "encoding": ""}), 4400, "already_started"),
        (json.dumps({"type": "dance"}), 4400, "invalid_message"),
        ("x" * 5000, 4413, "frame_too_large"),
    ]
    for bad, status, code in during:
        with _call(server, key) as caller:
            caller.start()
            caller.ws.send(bad)
            refused(caller, status, code)

    # A gateway that cannot set headers puts the key in the query; the server still answers.
    with connect(server.replace("http://", "ws://") + f"/v1/voice/calls?token={key}") as ws:
        assert Caller(ws).start()["session_id"].startswith("api-")
    # A connection that never starts is not kept open.
    monkeypatch.setattr(calls, "START_WAIT_S", 0.2)
    with _call(server, key) as caller:
        refused(caller, 4408, "no_start")
    assert httpx.get(f"{server}/v1/health").json() == {"status": "ok"}
