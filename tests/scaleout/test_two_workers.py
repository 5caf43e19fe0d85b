"""Two worker processes on one PostgreSQL, as ``aios api`` on two ports behind any load
balancer and as ``aios serve --workers 2`` on one: a conversation paused on A is confirmed on
B; a four-eyes request made on A is approved on B, which carries it out once, and A's requester
is told on their next message.

What carries the news is the ledger in PostgreSQL: B records the outcome, A reads it when the
requester next speaks (or the web chat's notices poller asks); no broker is involved."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from sqlmodel import Session, select

from aios.api.served import Served, served
from aios.policy import load_policy
from aios.settings import Settings
from aios.users import open_directory
from aios.wiring import open_systems
from connectors.demo import _planted as planted
from connectors.erp.models import Refund
from tests.settings import REPO

pytestmark = [pytest.mark.postgres, pytest.mark.slow]


@pytest.fixture
def workers(pg_settings: Settings, tmp_path: Path) -> Iterator[tuple[httpx.Client, httpx.Client]]:
    with ExitStack() as stack:
        # The workers take their settings from the environment pg_settings set.
        a, b = (
            stack.enter_context(
                served("api", workers=1, env=os.environ, log=tmp_path / f"{n}.log", cwd=REPO)
            )
            for n in "ab"
        )
        clients = [stack.enter_context(httpx.Client(base_url=s.url, timeout=60)) for s in (a, b)]
        yield clients[0], clients[1]


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
    shown = b.get(f"/v1/sessions/{session}/pending", headers=alice).json()
    assert shown["tool"] == "erp.create_refund"
    body = {"answer": "approve", "confirmation_id": shown["id"], "args_hash": shown["args_hash"]}
    done = b.post(f"/v1/sessions/{session}/decision", json=body, headers=alice)

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


def test_serve_two_workers_on_one_port_resume_each_others_conversations(
    pg_settings: Settings, tmp_path: Path
) -> None:
    log = tmp_path / "serve.log"
    with served("serve", workers=2, env=os.environ, log=log, cwd=REPO) as server:
        a, b = server.worker_pids()
        keys = _keys(pg_settings)
        alice, dave = keys["alice"], keys["dave"]
        session = _on(server, a, "POST", "/v1/sessions", headers=alice).json()["id"]

        asked = _on(
            server,
            a,
            "POST",
            f"/v1/sessions/{session}/messages",
            headers=alice,
            json={"text": f"refund $12.34 on {planted.DAMAGED_ORDER}"},
        ).json()
        assert asked["status"] == "awaiting_confirmation"
        card = next(e for e in asked["events"] if e["type"] == "confirmation_required")
        done = _on(
            server,
            b,
            "POST",
            f"/v1/sessions/{session}/decision",
            headers=alice,
            json={
                "answer": "approve",
                "confirmation_id": card["id"],
                "args_hash": card["args_hash"],
            },
        ).json()
        assert done["status"] == "completed"
        assert _refunds(pg_settings, planted.DAMAGED_INVOICE, 1234) == 1

        asked = _on(
            server,
            a,
            "POST",
            f"/v1/sessions/{session}/messages",
            headers=alice,
            json={"text": f"refund $600 on {planted.PLATINUM_PAID_INVOICE}"},
        ).json()
        approval_id = asked["events"][1]["approval_id"]
        decided = _on(
            server,
            b,
            "POST",
            f"/v1/approvals/{approval_id}/decision",
            headers=dave,
            json={"answer": "approve"},
        ).json()
        assert decided["status"] == "completed"
        told = _on(
            server,
            a,
            "POST",
            f"/v1/sessions/{session}/messages",
            headers=alice,
            json={"text": "thanks"},
        ).json()
        assert "approved by dave" in " ".join(e.get("text") or "" for e in told["events"])
        assert _refunds(pg_settings, planted.PLATINUM_PAID_INVOICE, 60000) == 1

        # Either worker's scrape counts the turns both took.
        scraped = [
            _turns_counted(_on(server, pid, "GET", "/metrics", headers=alice)) for pid in (a, b)
        ]
        assert scraped[0] == scraped[1] >= 3

        # A worker that dies is started again, and the conversation goes on where it was.
        os.kill(a, signal.SIGKILL)
        deadline = time.monotonic() + 180
        while log.read_text(errors="replace").count("Application startup complete") < 3:
            assert time.monotonic() < deadline, "the killed worker was not started again"
            time.sleep(0.5)
        (c,) = set(server.worker_pids()) - {b}
        assert c != a
        said = _on(server, c, "GET", f"/v1/sessions/{session}/transcript", headers=alice).json()
        assert [item["said"] for item in said if item["said"]][-1] == "thanks"


def _turns_counted(scrape: httpx.Response) -> float:
    lines = scrape.text.splitlines()
    return sum(float(line.split()[-1]) for line in lines if line.startswith("aios_turns_total{"))


def _on(server: Served, pid: int, method: str, path: str, **request: Any) -> httpx.Response:
    """``request`` sent to worker ``pid`` of ``server``: workers of one port take connections
    as they come, so fresh connections are opened until one lands on that worker."""
    for _ in range(100):
        with httpx.Client(base_url=server.url, timeout=60) as client:
            if _worker_of(server, client.get("/v1/health")) != pid:
                continue
            # Sent at once on the same kept-alive connection, long before the server drops it.
            response = client.request(method, path, **request)
            assert _worker_of(server, response) == pid
            assert response.status_code < 300, response.text
            return response
    raise AssertionError(f"no connection to {server.url} landed on worker {pid}")


def _worker_of(server: Served, response: httpx.Response) -> int:
    """The worker process holding the server's end of the connection ``response`` came on."""
    _, client_port = response.extensions["network_stream"].get_extra_info("client_addr")
    ends = f"{urlsplit(server.url).port:04X} {client_port:04X}"
    inodes = {
        f"socket:[{fields[9]}]"
        for line in Path("/proc/net/tcp").read_text().splitlines()[1:]
        if (fields := line.split())
        and f"{fields[1].split(':')[1]} {fields[2].split(':')[1]}" == ends
    }
    for pid in server.worker_pids():
        if any(_target(fd) in inodes for fd in Path(f"/proc/{pid}/fd").iterdir()):
            return pid
    raise AssertionError(f"no worker of {server.url} holds the connection from :{client_port}")


def _target(fd: Path) -> str:
    try:
        return os.readlink(fd)
    except OSError:  # closed since the directory was listed
        return ""
