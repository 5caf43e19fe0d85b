"""Prometheus metrics of the API: turns, their latency, tool calls by outcome, refusals, and
the approvals waiting. Each app has its own registry, so two apps in a process never mix.

With several workers on one port a scrape lands on any one of them, so the supervisor gives
them a directory (``PROMETHEUS_MULTIPROC_DIR``) where prometheus_client keeps every worker's
counts, and a scrape sums them all: the totals hold whichever worker answers, and do not drop
when a worker is restarted.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector

from aios.approvals import ApprovalLedger, ApprovalStatus
from aios.assistant.events import DoneEvent, Event, StepFinished

SHARED_DIR = "PROMETHEUS_MULTIPROC_DIR"

# Lookup turns take tens of milliseconds, writes with their audit a few hundred.
_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


class _PendingApprovals(Collector):
    def __init__(self, ledger: ApprovalLedger) -> None:
        self.ledger = ledger

    def collect(self) -> Iterator[GaugeMetricFamily]:
        gauge = GaugeMetricFamily(
            "aios_approvals_pending",
            "Four-eyes requests waiting, by the role they need.",
            labels=["role"],
        )
        counts: dict[str, int] = {}
        for approval in self.ledger.find(status=ApprovalStatus.PENDING):
            counts[approval.required_role] = counts.get(approval.required_role, 0) + 1
        for role, count in sorted(counts.items()):
            gauge.add_metric([role], count)
        yield gauge


class ApiMetrics:
    def __init__(self, ledger: ApprovalLedger) -> None:
        self.registry = CollectorRegistry()
        self.turns = Counter(
            "aios_turns", "Turns by how they ended.", ["status"], registry=self.registry
        )
        self.latency = Histogram(
            "aios_turn_seconds", "How long a turn took.", buckets=_BUCKETS, registry=self.registry
        )
        self.tool_calls = Counter(
            "aios_tool_calls",
            "Tool calls by tool and outcome.",
            ["tool", "outcome"],
            registry=self.registry,
        )
        self.problems = Counter(
            "aios_problems",
            "Requests answered with a problem, by code.",
            ["code"],
            registry=self.registry,
        )
        self._pending = _PendingApprovals(ledger)
        self.registry.register(self._pending)

    def exposition(self) -> bytes:
        """What a scrape gets: this process's counts, or every worker's when they share a
        directory."""
        shared = os.environ.get(SHARED_DIR)
        if not shared:
            return generate_latest(self.registry)
        registry = CollectorRegistry()
        MultiProcessCollector(registry, path=shared)  # type: ignore[no-untyped-call]
        registry.register(self._pending)  # read from the database: the same in every worker
        return generate_latest(registry)

    def turn(self, events: Sequence[Event], seconds: float) -> None:
        done = next((e for e in reversed(events) if isinstance(e, DoneEvent)), None)
        self.turns.labels(done.status if done else "failed").inc()
        self.latency.observe(seconds)
        for event in events:
            if isinstance(event, StepFinished):
                self.tool_calls.labels(event.tool, "ok" if event.ok else "failed").inc()
