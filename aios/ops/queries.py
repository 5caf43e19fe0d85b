"""The reads behind the operations view. Every record and description leaves here masked for
the viewer's role; nothing here writes."""

from __future__ import annotations

from collections import deque
from datetime import UTC, datetime, timedelta

from pydantic import BaseModel, Field

from aios.approvals import ApprovalStatus
from aios.assistant.factory import Runtime
from aios.audit import AuditRecord
from aios.ops.models import ApprovalItem, CaseItem, SlaClock, WorkOut
from connectors.crm.find_cases import FindCasesOutput

CASES_DUE_WITHIN = timedelta(hours=4)
"""How soon a case's deadline must be for it to count as near its SLA."""
FAILED_STEPS_SHOWN = 20
_CASES_READ = 200  # find_cases' most; it sorts soonest due first, so the nearest come first


class AuditQuery(BaseModel):
    """Audit search filters; they combine."""

    user: str | None = Field(None, max_length=100, description="Who acted, or for whom.")
    tool: str | None = Field(None, max_length=100, description="e.g. erp.create_refund.")
    decision: str | None = Field(
        None, max_length=16, description="allow, confirm, approve or deny."
    )
    kind: str | None = Field(None, max_length=50, description="e.g. tool.failed.")
    since: datetime | None = Field(None, description="Only records that happened from then on.")
    limit: int = Field(50, ge=1, le=500, description="Most records, newest first.")

    def matches(self, record: AuditRecord) -> bool:
        return (
            (self.user is None or self.user in (record.actor, record.on_behalf_of))
            and (self.tool is None or record.tool == self.tool)
            and (
                self.decision is None
                or (record.policy_decision or "").lower() == self.decision.lower()
            )
            and (self.kind is None or record.kind == self.kind)
            and (self.since is None or _utc(record.occurred_at) >= _utc(self.since))
        )


def search_audit(runtime: Runtime, query: AuditQuery, role: str) -> list[AuditRecord]:
    """The newest ``query.limit`` records matching ``query``, newest first, masked for ``role``."""
    newest: deque[AuditRecord] = deque(maxlen=query.limit)
    newest.extend(r for r in runtime.toolbox.trail.records() if query.matches(r))
    masker = runtime.masker
    return [
        r.model_copy(
            update={
                "arguments": masker.mask(r.arguments, role),
                "result": masker.mask(r.result, role),
            }
        )
        for r in reversed(newest)
    ]


def work(runtime: Runtime, role: str) -> WorkOut:
    """What waits, what failed, and which cases run out of time, as of the ledger's clock."""
    now = runtime.ledger.clock()
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
    failed = search_audit(runtime, AuditQuery(kind="tool.failed", limit=FAILED_STEPS_SHOWN), role)
    return WorkOut(
        now=now,
        approvals=sorted(approvals, key=lambda a: a.sla.due_at),
        failed_steps=failed,
        cases=cases_due(runtime, now),
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
        if _utc(c.sla_due_at) <= now + CASES_DUE_WITHIN
    ]


def sla_clock(due_at: datetime, now: datetime) -> SlaClock:
    due_at = _utc(due_at)
    minutes = int((due_at - now).total_seconds() // 60)
    return SlaClock(due_at=due_at, minutes_left=minutes, overdue=now >= due_at)


def _utc(moment: datetime) -> datetime:
    # SQLite hands datetimes back without their zone; they were stored as UTC.
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment
