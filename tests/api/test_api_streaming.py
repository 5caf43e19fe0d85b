"""Server-Sent Events leave as the assistant yields them, idempotent requests included, and an
``Idempotency-Key`` whose process died mid-turn is recovered: a real server on loopback, over
an assistant that is a real object at the edge and takes its time."""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Iterator
from dataclasses import replace

import httpx
import pytest

from aios.api.app import create_app
from aios.api.store import open_api_store
from aios.assistant.events import DoneEvent, Event, MessageEvent, PlanEvent
from aios.identity import User
from aios.loopback import serve

THINKS_S = 2.0


class SlowAssistant:
    """Says something at once, then thinks for two seconds before it finishes."""

    def __init__(self) -> None:
        self.handled: list[str] = []
        self.cut_short = False  # whether a run waits to be finished, as after a crash

    def handle(self, session_id: str, user: User, text: str) -> Iterator[Event]:
        self.handled.append(text)
        yield MessageEvent(text=f"working on {text}")
        time.sleep(THINKS_S)
        yield DoneEvent(status="completed")

    def recover(self, session_id: str) -> Iterator[Event]:
        if self.cut_short:
            self.cut_short = False
            yield MessageEvent(text="finished what was cut short")
            yield DoneEvent(status="completed")

    def pending(self, session_id: str) -> None:
        return None


@pytest.fixture
def slow() -> SlowAssistant:
    return SlowAssistant()


@pytest.fixture
def served(runtime, demo_settings, slow):
    store = open_api_store(demo_settings)
    app = create_app(replace(runtime, assistant=slow), store, idempotency_lease_s=0.5)
    token = runtime.users.add_key("alice", "tests")[1]
    with serve(app) as url, httpx.Client(base_url=url, timeout=30) as client:
        client.headers["Authorization"] = f"Bearer {token}"
        yield client, store


def _streamed(client: httpx.Client, session: str, text: str, **headers: str):
    """(seconds to the first event, seconds to the end, the events) of one streamed turn."""
    started = time.monotonic()
    first, events = None, []
    with client.stream(
        "POST",
        f"/v1/sessions/{session}/messages",
        json={"text": text},
        headers={"Accept": "text/event-stream", **headers},
    ) as response:
        assert response.status_code == 200, response.read()
        assert response.headers["content-type"].startswith("text/event-stream")
        for line in response.iter_lines():
            if line.startswith("data:"):
                first = first if first is not None else time.monotonic() - started
                events.append(json.loads(line.split(":", 1)[1]))
    return first, time.monotonic() - started, events


@pytest.mark.parametrize("idempotent", [False, True])
def test_the_first_event_arrives_while_the_turn_still_runs(served, idempotent):
    client, _ = served
    session = client.post("/v1/sessions").json()["id"]
    key = {"Idempotency-Key": "k-stream"} if idempotent else {}
    first, total, events = _streamed(client, session, "hello", **key)
    assert [e["type"] for e in events] == ["message", "done"]
    assert total >= THINKS_S
    assert first < THINKS_S / 2, f"first event after {first:.2f}s of a {total:.2f}s turn"
    if idempotent:
        # The retry is the same turn, streamed again from what was kept, or as JSON.
        _, again, replayed = _streamed(client, session, "hello", **key)
        assert replayed == events and again < THINKS_S / 2
        as_json = client.post(
            f"/v1/sessions/{session}/messages", json={"text": "hello"}, headers=key
        ).json()
        assert as_json["events"] == events
    said = client.get(f"/v1/sessions/{session}/transcript").json()
    assert [e["event"]["type"] for e in said] == ["message", "done"]


def test_a_retry_while_the_turn_runs_is_told_so_however_long_it_thinks(served, slow):
    client, _ = served
    session = client.post("/v1/sessions").json()["id"]
    key = {"Idempotency-Key": "k-busy"}
    url = f"/v1/sessions/{session}/messages"
    with client.stream(
        "POST", url, json={"text": "hello"}, headers={"Accept": "text/event-stream", **key}
    ) as first:
        lines = first.iter_lines()
        assert next(line for line in lines if line.startswith("data:"))
        time.sleep(1.2)  # more than twice the lease: only its heartbeat keeps it
        busy = client.post(url, json={"text": "hello"}, headers=key)
        assert (busy.status_code, busy.json()["code"]) == (409, "in_progress")
        list(lines)
    assert slow.handled == ["hello"]


def test_a_key_left_in_progress_by_a_dead_process_is_recovered(served, slow):
    client, store = served
    session = client.post("/v1/sessions").json()["id"]
    url = f"/v1/sessions/{session}/messages"
    plan = PlanEvent(understood="greet", steps=[], confidence=1.0).model_dump(mode="json")
    expired = store.clock().timestamp() - 1
    # Three processes died mid-turn, each leaving its claim: before its turn started, after
    # its first event, and after its last one (before it kept the answer).
    for key, progress in (
        ("k-none", None),
        ("k-half", [plan]),
        ("k-all", [plan, {"type": "done", "status": "completed"}]),
    ):
        digest = _digest(session, key)
        assert store.reserve("alice", key, digest, "dead-worker", expired) is None
        if progress is not None:
            assert store.renew("alice", key, "dead-worker", expired, json.dumps(progress))
    never_ran = client.post(url, json={"text": "k-none"}, headers={"Idempotency-Key": "k-none"})
    assert never_ran.status_code == 200, never_ran.text
    assert [e["type"] for e in never_ran.json()["events"]] == ["message", "done"]
    assert slow.handled == ["k-none"]  # it had never started: it runs now, once

    slow.cut_short = True
    half = client.post(url, json={"text": "k-half"}, headers={"Idempotency-Key": "k-half"})
    assert [e["type"] for e in half.json()["events"]] == ["plan", "message", "done"]
    assert not slow.cut_short and slow.handled == ["k-none"]  # recovered, not run again

    slow.cut_short = True
    ended = client.post(url, json={"text": "k-all"}, headers={"Idempotency-Key": "k-all"})
    assert [e["type"] for e in ended.json()["events"]] == ["plan", "done"]
    assert slow.cut_short and slow.handled == ["k-none"]  # its answer, as it was
    for key in ("k-none", "k-half", "k-all"):
        again = client.post(url, json={"text": key}, headers={"Idempotency-Key": key})
        assert again.status_code == 200
    assert slow.handled == ["k-none"]


def _digest(session: str, text: str) -> str:
    return hashlib.sha256(f"{session}\n{text}".encode()).hexdigest()
