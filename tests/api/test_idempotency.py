"""An ``Idempotency-Key``'s claim on its own (the real store on SQLite): a lease that holds
while the turn runs, renewed by its heartbeat, and taken over once its process has died."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from aios.api.errors import ApiError
from aios.api.idempotency import Idempotency, Replay, Run
from aios.api.store import ApiStore
from aios.assistant.events import DoneEvent, MessageEvent
from aios.db import open_database
from tests.scaleout.conftest import postgres_schema_url
from tests.settings import checkout_settings


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 12, 7, 4, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store(request, tmp_path, clock) -> Iterator[ApiStore]:
    """The store on each backend (PostgreSQL when AIOS_TEST_POSTGRES_URL names a server)."""
    urls = postgres_schema_url() if request.param == "postgres" else iter([None])
    for url in urls:
        settings = checkout_settings(tmp_path / "data", state_url=url)
        engine = open_database(settings, "state")
        yield ApiStore(engine, clock)
        engine.dispose()


def _refused(claim, code: str) -> None:
    with pytest.raises(ApiError) as refused:
        claim()
    assert refused.value.code == code


def test_a_key_runs_once_and_then_answers_what_it_answered(store):
    keys = Idempotency(store, lease_s=30)
    claimed = keys.claim("alice", "k1", "s1", "hello")
    assert isinstance(claimed, Run) and not claimed.recovering
    lease = claimed.lease
    lease.started()
    _refused(lambda: keys.claim("alice", "k1", "s1", "hello"), "in_progress")
    _refused(lambda: keys.claim("alice", "k1", "s1", "other"), "idempotency_conflict")
    lease.kept(MessageEvent(text="hi"))
    lease.kept(DoneEvent(status="completed"))
    lease.finished()
    again = keys.claim("alice", "k1", "s1", "hello")
    assert isinstance(again, Replay)
    assert [e.type for e in again.turn.events] == ["message", "done"]
    assert isinstance(keys.claim("bob", "k1", "s1", "hello"), Run)  # keys are per user


def test_a_claim_whose_process_died_is_taken_over_once_its_lease_ran_out(store, clock):
    keys = Idempotency(store, lease_s=30)
    dead = keys.claim("alice", "k1", "s1", "hello")
    assert isinstance(dead, Run)
    dead.lease.started()
    dead.lease.kept(MessageEvent(text="half way"))
    dead.lease._stop.set()  # the process dies: nothing renews the lease any more
    clock.now += timedelta(seconds=29)
    _refused(lambda: keys.claim("alice", "k1", "s1", "hello"), "in_progress")
    clock.now += timedelta(seconds=2)
    taken = keys.claim("alice", "k1", "s1", "hello")
    assert isinstance(taken, Run) and taken.recovering
    assert [e.type for e in taken.lease.events] == ["message"]  # what the dead one had sent
    # A second retry at the same moment finds the new owner's fresh lease.
    _refused(lambda: keys.claim("alice", "k1", "s1", "hello"), "in_progress")
    # The dead process, should it wake up, can no longer renew, release or answer the claim.
    assert not dead.lease._renew(with_progress=False)
    dead.lease.failed()
    _refused(lambda: keys.claim("alice", "k1", "s1", "hello"), "in_progress")
    dead.lease.finished()
    _refused(lambda: keys.claim("alice", "k1", "s1", "hello"), "in_progress")
    taken.lease.kept(DoneEvent(status="completed"))
    taken.lease.finished()
    answered = keys.claim("alice", "k1", "s1", "hello")
    assert isinstance(answered, Replay)
    assert [e.type for e in answered.turn.events] == ["message", "done"]


def test_a_turn_that_ended_before_the_crash_is_answered_not_run_again(store, clock):
    keys = Idempotency(store, lease_s=30)
    dead = keys.claim("alice", "k1", "s1", "hello")
    assert isinstance(dead, Run)
    dead.lease.kept(MessageEvent(text="done it"))
    dead.lease.kept(DoneEvent(status="completed"))  # ... and it died before it kept the answer
    clock.now += timedelta(minutes=9)
    answered = keys.claim("alice", "k1", "s1", "hello")
    assert isinstance(answered, Replay)
    assert answered.turn.status == "completed"
    assert isinstance(keys.claim("alice", "k1", "s1", "hello"), Replay)


def test_the_heartbeat_keeps_a_slow_turn_claimed(tmp_path):
    # The real clock: the lease is a fifth of a second, the turn thinks for a second.
    store = ApiStore(open_database(checkout_settings(tmp_path / "data"), "state"))
    keys = Idempotency(store, lease_s=0.2)
    claimed = keys.claim("alice", "k1", "s1", "hello")
    assert isinstance(claimed, Run)
    claimed.lease.started()
    deadline = time.monotonic() + 1.0
    while time.monotonic() < deadline:
        _refused(lambda: keys.claim("alice", "k1", "s1", "hello"), "in_progress")
        time.sleep(0.05)
    claimed.lease.failed()  # the turn raised: a retry runs it again
    assert isinstance(keys.claim("alice", "k1", "s1", "hello"), Run)


_WORKER = """
import sys, time
from aios.api.idempotency import Idempotency
from aios.api.store import ApiStore
from aios.assistant.events import MessageEvent
from aios.db import make_engine
keys = Idempotency(ApiStore(make_engine(sys.argv[1])), lease_s=float(sys.argv[2]))
claimed = keys.claim("alice", "k1", "s1", "hello")
claimed.lease.started()
claimed.lease.kept(MessageEvent(text="half way"))
print("running", flush=True)
time.sleep(600)
"""


def test_a_killed_worker_process_leaves_a_claim_that_is_taken_over(tmp_path):
    settings = checkout_settings(tmp_path / "data")
    store = ApiStore(open_database(settings, "state"))
    keys = Idempotency(store, lease_s=0.5)
    argv = [sys.executable, "-c", _WORKER, settings.db_url("state"), "0.5"]
    worker = subprocess.Popen(argv, stdout=subprocess.PIPE, text=True)
    try:
        assert worker.stdout is not None and worker.stdout.readline().strip() == "running"
        # Alive, its heartbeat keeps the claim across several lease lengths.
        deadline = time.monotonic() + 1.5
        while time.monotonic() < deadline:
            _refused(lambda: keys.claim("alice", "k1", "s1", "hello"), "in_progress")
            time.sleep(0.1)
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.wait()
    time.sleep(0.6)  # the lease runs out
    taken = keys.claim("alice", "k1", "s1", "hello")
    assert isinstance(taken, Run) and taken.recovering
    assert [e.type for e in taken.lease.events] == ["message"]
