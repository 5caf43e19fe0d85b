"""Many clients at once against a running API: each opens its own session, takes its turns,
then reads its transcript back. Used by ``aios bench api`` for the figures and by the tests to
prove that concurrent sessions neither fail nor see each other's words.

Clients either send their next message the moment a reply is in (no think time: the most a
worker can take), or pause between turns as an operator does to read the reply and type the
next request: a think time drawn at random around a mean, the first one before the first
turn too, so sessions do not all start in the same instant.
"""

from __future__ import annotations

import asyncio
import random
import statistics
import time
from collections.abc import Sequence

import httpx
from pydantic import BaseModel, Field

# Lookups every demo operator may make; each is a real turn (plan, reads, audit, checkpoint).
LOOKUPS = (
    "what is the status of SO-1042?",
    "give me an overview of Blue Harbor Logistics",
    "show overdue invoices for Blue Harbor Logistics",
    "what is the status of SO-1063?",
    "show me the open cases of Blue Harbor Logistics",
)


class LoadRun(BaseModel):
    clients: int
    turns_per_client: int
    think_s: float = Field(description="Mean pause of a session between turns (0: none).")
    turns: int = Field(description="Turns that completed with a 200 and a done event.")
    errors: list[str] = Field(description="What went wrong, one line per failed request.")
    leaks: list[str] = Field(description="Transcripts holding words their client never said.")
    seconds: float
    turns_per_s: float
    p50_ms: float
    p95_ms: float


class _Client:
    def __init__(
        self, http: httpx.AsyncClient, key: str, texts: Sequence[str], think: _Think
    ) -> None:
        self.http, self.texts, self.think = http, texts, think
        self.auth = {"Authorization": f"Bearer {key}"}
        self.latencies: list[float] = []
        self.errors: list[str] = []
        self.leaks: list[str] = []

    async def run(self) -> None:
        created = await self.http.post("/v1/sessions", headers=self.auth)
        if created.status_code != 201:
            self.errors.append(f"POST /v1/sessions: {created.status_code} {created.text[:200]}")
            return
        session = created.json()["id"]
        for text in self.texts:
            await self.think.pause()
            started = time.perf_counter()
            turn = await self.http.post(
                f"/v1/sessions/{session}/messages", json={"text": text}, headers=self.auth
            )
            if turn.status_code != 200 or turn.json()["events"][-1]["type"] != "done":
                self.errors.append(f"turn {text!r}: {turn.status_code} {turn.text[:200]}")
                continue
            self.latencies.append(time.perf_counter() - started)
        said = await self.http.get(f"/v1/sessions/{session}/transcript", headers=self.auth)
        if said.status_code != 200:
            self.errors.append(f"transcript: {said.status_code} {said.text[:200]}")
            return
        heard = [item["said"] for item in said.json() if item["said"] is not None]
        if heard != list(self.texts):
            self.leaks.append(f"{session} said {list(self.texts)} but holds {heard}")


class _Think:
    """Exponentially distributed pauses with mean ``mean_s``, from a seeded generator so runs
    repeat; the first pause is uniform over the mean, to spread the sessions' first turns."""

    def __init__(self, mean_s: float, seed: int) -> None:
        self.mean_s, self._random, self._first = mean_s, random.Random(seed), True

    async def pause(self) -> None:
        if self.mean_s <= 0:
            return
        first, self._first = self._first, False
        draw = (
            self._random.uniform(0, self.mean_s)
            if first
            else self._random.expovariate(1 / self.mean_s)
        )
        await asyncio.sleep(draw)


def _tagged(client: int, turns: int) -> list[str]:
    # Each client's words are its own, so any transcript holding another's shows a leak.
    return [
        f"{LOOKUPS[(client + t) % len(LOOKUPS)]} (client {client}, turn {t})" for t in range(turns)
    ]


async def run_load(
    base_url: str,
    keys: Sequence[str],
    *,
    clients: int,
    turns: int,
    think_s: float = 0.0,
    timeout_s: float = 120,
) -> LoadRun:
    """``clients`` sessions at once, ``turns`` each, pausing ``think_s`` on average before
    each turn; the keys are shared out round-robin."""
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=base_url, timeout=timeout_s, limits=limits) as http:
        workers = [
            _Client(http, keys[i % len(keys)], _tagged(i, turns), _Think(think_s, seed=i))
            for i in range(clients)
        ]
        started = time.perf_counter()
        await asyncio.gather(*(w.run() for w in workers))
        seconds = time.perf_counter() - started
    latencies = sorted(s for w in workers for s in w.latencies)
    p95 = latencies[min(len(latencies) - 1, round(0.95 * (len(latencies) - 1)))] if latencies else 0
    return LoadRun(
        clients=clients,
        turns_per_client=turns,
        think_s=think_s,
        turns=len(latencies),
        errors=[e for w in workers for e in w.errors],
        leaks=[leak for w in workers for leak in w.leaks],
        seconds=round(seconds, 2),
        turns_per_s=round(len(latencies) / seconds, 2),
        p50_ms=round(statistics.median(latencies) * 1000, 1) if latencies else 0,
        p95_ms=round(p95 * 1000, 1),
    )
