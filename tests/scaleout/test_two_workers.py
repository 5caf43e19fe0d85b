"""Two worker processes (``aios api`` on two ports, as behind any load balancer) on one
PostgreSQL: a conversation paused on A is confirmed on B; a four-eyes request made on A is
approved on B, which carries it out once, and A's requester is told on their next message.

What carries the news is the ledger in PostgreSQL: B records the outcome, A reads it when the
requester next speaks (or the web chat's notices poller asks); no broker is involved."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from sqlmodel import Session, select

from aios.policy import load_policy
from aios.settings import Settings
from aios.users import open_directory
from aios.wiring import open_systems
from connectors.demo import _planted as planted
from connectors.erp.models import Refund
from tests.settings import REPO

pytestmark = [pytest.mark.postgres, pytest.mark.slow]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def workers(pg_settings: Settings) -> Iterator[tuple[httpx.Client, httpx.Client]]:
    ports = [_free_port(), _free_port()]
    aios = [sys.executable, "-m", "aios.cli", "api", "--port"]
    # The workers take their settings from the environment pg_settings set.
    started = [subprocess.Popen([*aios, str(p)], cwd=REPO) for p in ports]
    clients = [httpx.Client(base_url=f"http://127.0.0.1:{p}", timeout=60) for p in ports]
    try:
        deadline = time.monotonic() + 240  # each loads the embedding model
        for client, process in zip(clients, started, strict=True):
            while True:
                assert process.poll() is None, "a worker died while starting"
                assert time.monotonic() < deadline, "a worker did not start"
                try:
                    if client.get("/v1/health").status_code == 200:
                        break
                except httpx.TransportError:
                    time.sleep(0.5)
        yield clients[0], clients[1]
    finally:
        for client in clients:
            client.close()
        for process in started:
            process.terminate()
            process.wait(timeout=30)


def _keys(settings: Settings) -> dict[str, dict[str, str]]:
    directory = open_directory(settings, load_policy(settings.policy_file).policy.roles)
    tokens = {name: directory.add_key(name, "workers test")[1] for name in ("alice", "dave")}
    directory.engine.dispose()
    return {name: {"Authorization": f"Bearer {token}"} for name, token in tokens.items()}


def _refunds(settings: Settings, invoice: str, cents: int) -> int:
    erp = open_systems(settings)["erp"]
    with Session(erp.engine) as session:
        query = select(Refund).where(Refund.invoice_id == invoice, Refund.amount_cents == cents)
        return len(list(session.exec(query)))


def _say(worker: httpx.Client, who: dict[str, str], session: str, text: str) -> Any:
    turn = worker.post(f"/v1/sessions/{session}/messages", json={"text": text}, headers=who)
    assert turn.status_code == 200, turn.text
    return turn.json()


def test_paused_on_a_confirmed_on_b(
    workers: tuple[httpx.Client, httpx.Client], pg_settings: Settings
) -> None:
    a, b = workers
    alice = _keys(pg_settings)["alice"]
    session = a.post("/v1/sessions", headers=alice).json()["id"]

    asked = _say(a, alice, session, f"refund $12.34 on {planted.DAMAGED_ORDER}")
    assert asked["status"] == "awaiting_confirmation"
    assert b.get(f"/v1/sessions/{session}/pending", headers=alice).json()["tool"] == (
        "erp.create_refund"
    )
    done = b.post(f"/v1/sessions/{session}/decision", json={"answer": "approve"}, headers=alice)

    assert done.json()["status"] == "completed"
    assert _refunds(pg_settings, planted.DAMAGED_INVOICE, 1234) == 1


def test_approved_on_b_carried_out_once_and_told_on_a(
    workers: tuple[httpx.Client, httpx.Client], pg_settings: Settings
) -> None:
    a, b = workers
    keys = _keys(pg_settings)
    session = a.post("/v1/sessions", headers=keys["alice"]).json()["id"]
    asked = _say(a, keys["alice"], session, f"refund $600 on {planted.PLATINUM_PAID_INVOICE}")
    approval_id = asked["events"][1]["approval_id"]

    waiting = b.get("/v1/approvals", headers=keys["dave"]).json()["waiting"]
    assert [w["id"] for w in waiting] == [approval_id]
    decided = b.post(
        f"/v1/approvals/{approval_id}/decision", json={"answer": "approve"}, headers=keys["dave"]
    )
    assert decided.json()["status"] == "completed"
    assert _refunds(pg_settings, planted.PLATINUM_PAID_INVOICE, 60000) == 1

    told = _say(a, keys["alice"], session, "thanks")
    said = " ".join(e.get("text") or "" for e in told["events"])
    assert f"Your request {approval_id}" in said and "approved by dave" in said
    again = _say(a, keys["alice"], session, "thanks")  # told once, on whichever worker
    assert approval_id not in " ".join(e.get("text") or "" for e in again["events"])
    assert _refunds(pg_settings, planted.PLATINUM_PAID_INVOICE, 60000) == 1
