"""``aios bench api``: turns per second and latency with 1, 10, 50… clients at once, each in
its own session, against real ``aios api`` worker processes on loopback: SQLite or PostgreSQL,
one worker or several, every configuration on a throwaway copy of the demo data (a scratch
PostgreSQL database, created and dropped by the run)."""

from __future__ import annotations

import asyncio
import os
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path

from pydantic import BaseModel, Field, SecretStr
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from aios.api.load import LoadRun, run_load
from aios.api.served import cpu_seconds, rss_bytes, served
from aios.demo import scratch_demo, seed_demo
from aios.policy import load_policy
from aios.settings import Settings
from aios.users import open_directory


class Backend(StrEnum):
    SQLITE = "sqlite"
    POSTGRESQL = "postgresql"


# One key per demo operator who does customer work, so sessions span users and roles.
OPERATORS = ("alice", "bob", "carol", "dave", "erin")
MIB = 1024 * 1024


class Memory(BaseModel):
    idle_mib: float = Field(description="RSS of the largest worker, warmed up, between runs.")
    under_load_mib: float = Field(description="The most RSS one worker held during the runs.")


class Level(LoadRun):
    worker_cores: float = Field(
        description="CPU seconds the workers used per second of the run: cores kept busy."
    )
    client_cores: float = Field(description="The same for the clients, on the same machine.")
    database_cores: float = Field(
        description="The same for the PostgreSQL server's processes on this machine (all of "
        "them: the run is taken to be the server's only user); 0 for SQLite, which runs in "
        "the workers."
    )


class Cell(BaseModel):
    backend: Backend
    workers: int
    levels: list[Level]
    memory: Memory


class Skipped(BaseModel):
    backend: Backend
    workers: int
    reason: str


class Scaling(BaseModel):
    """Turns/s of N workers over one worker's, same backend, same clients, same run."""

    backend: Backend
    clients: int
    workers: int
    turns_per_s: float
    one_worker_turns_per_s: float
    ratio: float
    per_core_ratio: float = Field(
        description="Turns per CPU second of the workers, N workers over one: how much of a "
        "core's work each added worker keeps. Below the ratio's N only where the workers ran "
        "short of cores (the database and the clients share the machine)."
    )


class ApiBench(BaseModel):
    cpus: int = Field(description="Cores this process may run on; the clients share them.")
    load_average: float = Field(description="1-minute load average as the run began.")
    turns_per_client: int
    think_s: float = Field(description="Mean pause of each session between its turns.")
    cells: list[Cell]
    skipped: list[Skipped]
    scaling: list[Scaling]
    goal_p95_ms_at_20: float = 150.0
    goal_scaling: float = 1.6


def run_api_bench(
    settings: Settings,
    *,
    backends: Sequence[Backend],
    workers: Sequence[int],
    levels: Sequence[int],
    turns: int,
    postgres_url: str,
    think_s: float = 0.0,
) -> ApiBench:
    load_average = os.getloadavg()[0]
    cells: list[Cell] = []
    skipped: list[Skipped] = []
    pg_down = _unreachable(postgres_url) if Backend.POSTGRESQL in backends else None
    for backend in backends:
        for n in workers:
            reason = _why_not(backend, n, pg_down)
            if reason:
                skipped.append(Skipped(backend=backend, workers=n, reason=reason))
                continue
            with _scratch(settings, backend, postgres_url) as demo:
                cells.append(_measure(demo, backend, n, levels, turns, think_s))
    return ApiBench(
        cpus=len(os.sched_getaffinity(0)),
        load_average=round(load_average, 2),
        turns_per_client=turns,
        think_s=think_s,
        cells=cells,
        skipped=skipped,
        scaling=_scaling(cells),
    )


def _why_not(backend: Backend, workers: int, pg_down: str | None) -> str | None:
    if backend == Backend.SQLITE and workers > 1:
        return "several workers need the state on PostgreSQL (docs/deployment.md)"
    if backend == Backend.POSTGRESQL and pg_down:
        return pg_down
    return None


def _measure(
    demo: Settings,
    backend: Backend,
    workers: int,
    levels: Sequence[int],
    turns: int,
    think_s: float,
) -> Cell:
    keys = _bench_keys(demo)
    # The server runs in a directory of its own, so no .env file overrides the scratch
    # settings it is given.
    with (
        tempfile.TemporaryDirectory(prefix="aios-bench-api-") as tmp,
        served("api", workers=workers, env=_env(demo), log=Path(tmp) / "log", cwd=Path(tmp)) as s,
    ):
        # Warm every worker: the first turns load what is lazy (planner index, pools).
        asyncio.run(run_load(s.url, keys, clients=2 * workers, turns=2))
        pids = s.worker_pids()
        idle = max(rss_bytes(p) for p in pids)
        with _peak_rss(pids) as peak:
            runs = [_level(s.url, keys, pids, n, turns, think_s, backend) for n in levels]
    memory = Memory(idle_mib=round(idle / MIB, 1), under_load_mib=round(peak() / MIB, 1))
    return Cell(backend=backend, workers=workers, levels=runs, memory=memory)


def _level(
    url: str,
    keys: Sequence[str],
    pids: Sequence[int],
    clients: int,
    turns: int,
    think_s: float,
    backend: Backend,
) -> Level:
    database = _database_cpu if backend == Backend.POSTGRESQL else lambda: 0.0
    workers_before, client_before = sum(map(cpu_seconds, pids)), time.process_time()
    database_before = database()
    run = asyncio.run(run_load(url, keys, clients=clients, turns=turns, think_s=think_s))
    workers_used = sum(map(cpu_seconds, pids)) - workers_before
    client_used = time.process_time() - client_before
    database_used = max(0.0, database() - database_before)
    return Level(
        **run.model_dump(),
        worker_cores=round(workers_used / run.seconds, 2),
        client_cores=round(client_used / run.seconds, 2),
        database_cores=round(database_used / run.seconds, 2),
    )


def _database_cpu() -> float:
    """CPU seconds used so far by the processes of a PostgreSQL server on this machine (one
    per connection, plus its own). A server elsewhere, or one we may not read, counts 0."""
    total = 0.0
    for comm in Path("/proc").glob("[0-9]*/comm"):
        try:
            if comm.read_text().strip() == "postgres":
                total += cpu_seconds(int(comm.parent.name))
        except (OSError, ValueError):
            continue
    return total


def _scaling(cells: Sequence[Cell]) -> list[Scaling]:
    single = {(c.backend, r.clients): r for c in cells if c.workers == 1 for r in c.levels}
    return [
        Scaling(
            backend=c.backend,
            clients=r.clients,
            workers=c.workers,
            turns_per_s=r.turns_per_s,
            one_worker_turns_per_s=base.turns_per_s,
            ratio=round(r.turns_per_s / base.turns_per_s, 2),
            per_core_ratio=round(_per_core(r) / _per_core(base), 2),
        )
        for c in cells
        if c.workers > 1
        for r in c.levels
        if (base := single.get((c.backend, r.clients))) and _per_core(base)
    ]


def _per_core(level: Level) -> float:
    return level.turns_per_s / level.worker_cores if level.worker_cores else 0.0


@contextmanager
def _scratch(settings: Settings, backend: Backend, postgres_url: str) -> Iterator[Settings]:
    """The seeded demo company on a fresh data directory, and for PostgreSQL on a fresh
    database too (state, checkpoints, CRM and ERP, as workers share them)."""
    if backend == Backend.SQLITE:
        with scratch_demo(settings.model_copy(update={"chroma_url": None})) as demo:
            yield demo
        return
    with scratch_database(postgres_url) as url, tempfile.TemporaryDirectory() as tmp:
        own = {"data_dir": Path(tmp) / "data", "checkpoint_url": None, "chroma_url": None}
        demo = settings.model_copy(update={**own, "state_url": url, "crm_url": url, "erp_url": url})
        seed_demo(demo)
        yield demo


@contextmanager
def scratch_database(server_url: str) -> Iterator[str]:
    """A new, empty database on the PostgreSQL server at ``server_url``, dropped afterwards."""
    name = f"aios_bench_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            yield make_url(server_url).set(database=name).render_as_string(hide_password=False)
        finally:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()


def _unreachable(server_url: str) -> str | None:
    shown = make_url(server_url).render_as_string(hide_password=True)
    engine = create_engine(server_url, connect_args={"connect_timeout": 5})
    try:
        with engine.connect():
            return None
    except DBAPIError as exc:
        first = str(exc.orig).strip().splitlines()[0]
        return f"PostgreSQL at {shown} unreachable ({first}): skipped"
    finally:
        engine.dispose()


def _bench_keys(settings: Settings) -> list[str]:
    directory = open_directory(settings, load_policy(settings.policy_file).policy.roles)
    try:
        # The benchmark measures turns, not the per-key rate limit.
        return [directory.add_key(n, "bench", rate_limit="1000000/minute")[1] for n in OPERATORS]
    finally:
        directory.engine.dispose()


def _env(settings: Settings) -> dict[str, str]:
    """The environment under which a child process reads exactly ``settings``."""
    env = dict(os.environ)
    for name, value in settings:
        key = f"AIOS_{name.upper()}"
        if value is None:
            env.pop(key, None)  # unset here must be unset there, not the caller's value
        elif isinstance(value, list):
            env[key] = ",".join(map(str, value))
        elif isinstance(value, Path):
            env[key] = str(value.resolve())
        elif not isinstance(value, SecretStr):  # secrets reach the child as they reached us
            env[key] = str(value)
    return env


@contextmanager
def _peak_rss(pids: Sequence[int], every_s: float = 0.2) -> Iterator[_Peak]:
    """Samples the RSS of ``pids`` in a thread while the block runs; yields the peak so far."""
    peak = _Peak()
    done = threading.Event()

    def sample() -> None:
        while not done.wait(every_s):
            peak.seen = max(peak.seen, *(rss_bytes(p) for p in pids))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        yield peak
    finally:
        done.set()
        sampler.join()


class _Peak:
    def __init__(self) -> None:
        self.seen = 0

    def __call__(self) -> int:
        return self.seen
