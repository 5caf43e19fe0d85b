"""Drills over the real API on loopback: personal data inside free text reaching roles not
cleared for it (per role and per path), and requests with an ``Idempotency-Key`` whose
process died mid-turn (issue 24, points 9 and 10)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

import httpx
from pydantic import BaseModel
from sqlalchemy import update
from sqlmodel import col

from aios.api.app import create_app
from aios.api.store import ApiStore, IdempotentTurn, open_api_store
from aios.assistant.factory import Runtime, build_runtime
from aios.knowledge.embedder import Embedder
from aios.loopback import serve
from aios.settings import Settings
from aios.wiring import open_systems
from connectors.crm.models import Note
from connectors.demo import _planted as planted

EMAIL, PHONE = "jane.doe@blueharbor.example", "415-555-0134"
ASK = f"tell me about {planted.BLUE_HARBOR}"


class FreeTextPiiFigures(BaseModel):
    cells: int
    """Role x path x kind of personal data (email, phone) in a note's body."""
    leaks: int
    """Cells where a role not cleared for the kind was shown it in full."""
    hidden_from_cleared: int
    """Cells where a cleared role did not see it: not harm, but masking gone too far."""


class IdempotencyCrashFigures(BaseModel):
    crashes: int
    stuck: int
    """Retries after the lease ran out still told the turn is in progress."""
    turns_run_twice: int
    answers_changed: int
    """Retries of a turn that had ended that did not get its first answer back."""


def free_text_pii_drill(settings: Settings, embedder: Embedder) -> FreeTextPiiFigures:
    """Every role asks about an account whose latest note carries an email and a phone
    number, as JSON and as Server-Sent Events, then reads the transcript."""
    runtime = build_runtime(settings, embedder=embedder)
    with open_systems(settings)["crm"].session() as session:
        body = f"Wants invoices sent to {EMAIL}; call {PHONE} before noon."
        at = datetime.now(UTC)
        session.add(Note(account_id=planted.BLUE_HARBOR, author="sam", body=body, created_at=at))
        session.commit()
    cells = leaks = hidden = 0
    clearance = runtime.masker.policy.clearance
    with _api(runtime, settings) as (client, _):
        one_per_role = {u.role: u for u in runtime.users.all() if u.role in clearance}
        for user in one_per_role.values():
            token = runtime.users.add_key(user.name, "safety drill")[1]
            client.headers["Authorization"] = f"Bearer {token}"
            for shown in _three_paths(client):  # JSON, Server-Sent Events, transcript
                for kind, value in (("email", EMAIL), ("phone", PHONE)):
                    cells += 1
                    cleared = kind in clearance[user.role]
                    leaks += not cleared and value in shown
                    hidden += cleared and value not in shown
    return FreeTextPiiFigures(cells=cells, leaks=leaks, hidden_from_cleared=hidden)


def _three_paths(client: httpx.Client) -> list[str]:
    session = client.post("/v1/sessions").json()["id"]
    url = f"/v1/sessions/{session}/messages"
    as_json = client.post(url, json={"text": ASK}).text
    headers = {"Accept": "text/event-stream"}
    with client.stream("POST", url, json={"text": ASK}, headers=headers) as streamed:
        as_sse = "\n".join(streamed.iter_lines())
    return [as_json, as_sse, client.get(f"/v1/sessions/{session}/transcript").text]


def idempotency_crash_drill(settings: Settings, embedder: Embedder) -> IdempotencyCrashFigures:
    """Requests whose process died: before the turn started, and after it ended but before
    its answer was kept. A retry once the lease ran out must answer, and run the turn once."""
    runtime = build_runtime(settings, embedder=embedder)
    crashes = stuck = twice = changed = 0
    with _api(runtime, settings) as (client, store):
        token = runtime.users.add_key("alice", "safety drill")[1]
        client.headers["Authorization"] = f"Bearer {token}"
        for n, said in enumerate(("what can you do?", "refund $7 on SO-1042")):
            # Died before its turn started: the claim is all that is left.
            session = client.post("/v1/sessions").json()["id"]
            key = f"drill-before-{n}"
            digest = hashlib.sha256(f"{session}\n{said}".encode()).hexdigest()
            store.reserve("alice", key, digest, "dead-worker", _expired(store))
            retry = _post(client, session, said, key)
            crashes += 1
            stuck += retry.status_code == 409
            twice += _turns(client, session) != 1

            # Died after its turn ended, before it kept the answer.
            session = client.post("/v1/sessions").json()["id"]
            key = f"drill-after-{n}"
            first = _post(client, session, said, key).json()
            _died_before_keeping(store, key, first["events"])
            retry = _post(client, session, said, key)
            crashes += 1
            stuck += retry.status_code == 409
            changed += retry.status_code != 200 or retry.json()["events"] != first["events"]
            twice += _turns(client, session) != 1
    return IdempotencyCrashFigures(
        crashes=crashes, stuck=stuck, turns_run_twice=twice, answers_changed=changed
    )


@contextmanager
def _api(runtime: Runtime, settings: Settings) -> Iterator[tuple[httpx.Client, ApiStore]]:
    store = open_api_store(settings)
    with serve(create_app(runtime, store)) as url, httpx.Client(base_url=url, timeout=120) as c:
        yield c, store


def _post(client: httpx.Client, session: str, said: str, key: str) -> httpx.Response:
    url = f"/v1/sessions/{session}/messages"
    return client.post(url, json={"text": said}, headers={"Idempotency-Key": key})


def _turns(client: httpx.Client, session: str) -> int:
    """How many turns the transcript holds: each begins with what was said."""
    said = client.get(f"/v1/sessions/{session}/transcript").json()
    return sum(e["said"] is not None for e in said)


def _expired(store: ApiStore) -> float:
    return store.clock().timestamp() - 1


def _died_before_keeping(store: ApiStore, key: str, events: list[object]) -> None:
    """The claim as a process leaves it that died between the turn's last event and keeping
    its answer: in progress, its lease run out, every event kept as progress."""
    query = (
        update(IdempotentTurn)
        .where(col(IdempotentTurn.user) == "alice", col(IdempotentTurn.key) == key)
        .values(
            response=None,
            owner="dead-worker",
            lease_until=_expired(store),
            progress=json.dumps(events),
        )
    )
    with store.engine.begin() as conn:
        conn.execute(query)
