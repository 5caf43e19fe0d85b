"""The reads behind the operations view. Every record and description leaves here masked for
the viewer's role; nothing here writes."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from pydantic import BaseModel, Field

from aios.approvals import ApprovalStatus, Execution
from aios.assistant.factory import Runtime
from aios.audit import AuditRecord
from aios.audit.trail import AuditFilter, viewed
from aios.ops.models import (
    ActivityOut,
    ApprovalItem,
    CaseItem,
    HourActivity,
    OutcomeCount,
    PlannerShare,
    PlannersOut,
    SkillsOut,
    SlaClock,
    WaitingStep,
    WorkOut,
)
from aios.planner.protocol import Route
from connectors.clock import as_utc
from connectors.crm.find_cases import FindCasesOutput
from connectors.operation import Kind

CASES_DUE_WITHIN = timedelta(hours=4)
"""How soon a case's deadline must be for it to count as near its SLA."""
STEPS_SHOWN = 20
"""The most failed, waiting or unfinished steps each list shows."""
_CASES_READ = 200  # find_cases' most; it sorts soonest due first, so the nearest come first

CONFIRMATION_WAITING = AuditFilter(
    kind="policy.decided",
    decision="confirm",
    # While a confirmation is pending every message of its session answers it, so only a
    # run decided again (a crashed one that recovery finished) decides that tool again.
    unanswered_by=("confirmation.given", "policy.decided"),
)
WRITE_UNFINISHED = AuditFilter(
    kind="tool.requested", unanswered_by=("tool.succeeded", "tool.failed")
)
PLANNER_TURNS_READ = 10_000
"""The most recent routing records the planner share is counted over."""
TURN_STEPS = ("understand", "await_decision")
"""A turn leaves no record of its own, but the node a message starts in (understand) and the
one an answer to a confirmation resumes (await_decision) each append their rows at once."""


def masked_for(runtime: Runtime, role: str) -> Callable[[Any], Any]:
    """What ``role`` may see of personal data in audit arguments and results."""
    return partial(runtime.masker.mask, role=role)


class AuditQuery(BaseModel):
    """Audit search filters; they combine."""

    user: str | None = Field(None, max_length=100, description="Who acted, or for whom.")
    account: str | None = Field(
        None, max_length=50, description="An account named in the arguments or result."
    )
    tool: str | None = Field(None, max_length=100, description="e.g. erp.create_refund.")
    decision: str | None = Field(
        None, max_length=16, description="allow, confirm, approve or deny."
    )
    kind: str | None = Field(None, max_length=50, description="e.g. tool.failed.")
    since: datetime | None = Field(None, description="Only records that happened from then on.")
    limit: int = Field(50, ge=1, le=500, description="Most records, newest first.")

    def where(self) -> AuditFilter:
        return AuditFilter(**self.model_dump(exclude={"limit"}))


def search_audit(runtime: Runtime, query: AuditQuery, role: str) -> list[AuditRecord]:
    """The newest ``query.limit`` records matching ``query``, newest first, masked for ``role``."""
    found = runtime.toolbox.trail.newest(query.where(), query.limit)
    return list(viewed(found, masked_for(runtime, role)))


def work(runtime: Runtime, role: str) -> WorkOut:
    """What waits, what failed, and which cases run out of time, as of the ledger's clock."""
    now = as_utc(runtime.ledger.clock())
    approvals = [
        ApprovalItem(
            id=a.id,
            session_id=a.session_id,
            tool=a.tool,
            description=runtime.masker.mask_text(a.description, role),
            requester=a.requester,
            required_role=a.required_role,
            level=a.level,
            created_at=a.created_at,
            sla=sla_clock(a.due_at, now),
        )
        for a in runtime.ledger.find(status=ApprovalStatus.PENDING)
    ]
    trail, mask = runtime.toolbox.trail, masked_for(runtime, role)
    # A decision keeps the step's arguments under "args"; a requested write holds them
    # beside its idempotency key (_call), which is the trail's business, not a viewer's.
    confirmations = [
        _waiting(r, mask(r.arguments.get("args")), now)
        for r in trail.newest(CONFIRMATION_WAITING, STEPS_SHOWN)
    ]
    unfinished = [
        _waiting(r, mask({k: v for k, v in r.arguments.items() if k != "_call"}), now)
        for r in trail.newest(WRITE_UNFINISHED, STEPS_SHOWN)
    ]
    failed = search_audit(runtime, AuditQuery(kind="tool.failed", limit=2 * STEPS_SHOWN), role)
    lookups = [r for r in failed if _is_lookup(runtime, r.tool)]
    return WorkOut(
        now=now,
        approvals=sorted(approvals, key=lambda a: a.sla.due_at),
        confirmations=confirmations,
        unfinished_writes=unfinished,
        failed_writes=[r for r in failed if r not in lookups][:STEPS_SHOWN],
        failed_lookups=lookups[:STEPS_SHOWN],
        cases=cases_due(runtime, now),
    )


def _is_lookup(runtime: Runtime, tool: str | None) -> bool:
    """Whether ``tool`` only reads; an unknown one counts as a write, the one to look at."""
    registry = runtime.toolbox.connectors.registry
    return tool is not None and tool in registry and registry.get(tool).kind is Kind.READ


def activity(runtime: Runtime, hours: int) -> ActivityOut:
    """Turns, writes and the latency percentiles of planned turns in each of the last
    ``hours`` hours (this one included), and the approvals opened in them by outcome."""
    first = window_start(runtime, hours)
    trail, window = runtime.toolbox.trail, AuditFilter(since=first)
    turns = trail.by_hour(replace(window, steps=TURN_STEPS), appends=True)
    writes = trail.by_hour(replace(window, kind="tool.succeeded"))
    waits = runtime.learning.latency_by_hour(first)
    starts = [first + timedelta(hours=i) for i in range(hours)]
    keys = [start.strftime("%Y-%m-%dT%H") for start in starts]  # the trail's hour keys
    opened = [a for a in runtime.ledger.find() if a.created_at >= first]
    outcomes = Counter(a.status for a in opened)
    return ActivityOut(
        since=first,
        hours=[
            HourActivity(
                hour=start,
                turns=turns.get(key, 0),
                writes=writes.get(key, 0),
                latency_p50_ms=percentile(waits.get(start, []), 0.5),
                latency_p95_ms=percentile(waits.get(start, []), 0.95),
            )
            for start, key in zip(starts, keys, strict=True)
        ],
        approvals=[OutcomeCount(outcome=s, count=outcomes[s]) for s in ApprovalStatus],
        approved_but_failed=sum(a.executed is Execution.FAILED for a in opened),
    )


def skills(runtime: Runtime, hours: int) -> SkillsOut:
    """The per-skill table over the same window as the activity's charts."""
    since = window_start(runtime, hours)
    return SkillsOut(since=since, skills=runtime.learning.skill_stats(since))


def planners(runtime: Runtime, hours: int) -> PlannersOut:
    """Which planner decided the turns of the window (``planner.decided`` records), with the
    model's tokens and cost, over the same window as the activity's charts."""
    since = window_start(runtime, hours)
    where = AuditFilter(kind="planner.decided", since=since)
    found = runtime.toolbox.trail.newest(where, PLANNER_TURNS_READ)
    routes = [Route.model_validate(r.arguments) for r in found]
    by_planner = Counter(r.planner for r in routes)
    total = sum(by_planner.values())

    def share(name: str, turns: int) -> PlannerShare:
        mine = [r for r in routes if r.planner == name]
        return PlannerShare(
            planner=name,
            turns=turns,
            share=round(turns / total, 3),
            model_failed=sum(r.model_failed for r in mine),
            tokens_in=sum(r.tokens_in for r in mine),
            tokens_out=sum(r.tokens_out for r in mine),
            cost_usd=round(sum(r.cost_usd for r in mine), 6),
        )

    return PlannersOut(
        since=since,
        configured=runtime.settings.planner,
        planners=[share(name, turns) for name, turns in by_planner.most_common()],
    )


def window_start(runtime: Runtime, hours: int) -> datetime:
    """The start of the hour ``hours - 1`` before this one: whole hours, this one included."""
    now = as_utc(runtime.ledger.clock())
    return now.replace(minute=0, second=0, microsecond=0) - timedelta(hours=hours - 1)


def percentile(values: Sequence[float], share: float) -> float | None:
    """Interpolated between the closest ranks, so that the 0.5 one is the median the
    per-skill table shows; computed here, as SQLite has no percentile function."""
    if not values:
        return None
    ordered = sorted(values)
    rank = (len(ordered) - 1) * share
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return round(ordered[low] + (ordered[high] - ordered[low]) * (rank - low), 1)


def _waiting(record: AuditRecord, arguments: Any, now: datetime) -> WaitingStep:
    since = as_utc(record.occurred_at)
    return WaitingStep(
        session_id=record.session_id,
        seq=record.seq,
        requester=record.on_behalf_of or record.actor,
        tool=record.tool or "",
        arguments=arguments or {},
        since=since,
        age_minutes=int((now - since).total_seconds() // 60),
    )


def cases_due(runtime: Runtime, now: datetime) -> list[CaseItem]:
    """Open cases past their deadline or due within ``CASES_DUE_WITHIN``, soonest first."""
    # A read straight through the connectors, not the toolbox: looking is not an action of
    # the viewer's to audit, as reading the trail itself is not.
    found = FindCasesOutput.model_validate(
        runtime.toolbox.connectors.call("crm.find_cases", {"open_only": True, "limit": _CASES_READ})
    )
    return [
        CaseItem(
            id=c.id,
            account_id=c.account_id,
            subject=c.subject,
            priority=c.priority.value,
            owner=c.owner,
            escalation_level=c.escalation_level,
            sla=sla_clock(c.sla_due_at, now),
        )
        for c in found.cases
        if as_utc(c.sla_due_at) <= now + CASES_DUE_WITHIN
    ]


def sla_clock(due_at: datetime, now: datetime) -> SlaClock:
    due_at = as_utc(due_at)
    minutes = int((due_at - now).total_seconds() // 60)
    return SlaClock(due_at=due_at, minutes_left=minutes, overdue=now >= due_at)
