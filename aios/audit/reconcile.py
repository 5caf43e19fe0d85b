"""Writes whose outcome the trail never recorded, and recording it from the systems.

A write is recorded as requested before it is sent and its outcome once the system answers.
When the trail fails in between (the system made the change, the ``tool.succeeded`` row could
not be appended), the request stands alone. The system itself kept the write's idempotency key
with its result in the same transaction as the write, so it knows: ``reconcile`` asks it, and
appends the outcome the trail lacks, marked as reconciled. Running it again finds nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from aios.audit.models import AuditEvent, AuditRecord
from aios.audit.trail import AuditTrail
from connectors.errors import ConnectorError
from connectors.idempotency import WriteLookup

OUTCOMES = frozenset({"tool.succeeded", "tool.failed"})
"""The kinds that answer a ``tool.requested`` row."""
NEVER_HAPPENED = "never_happened"
"""The code of a reconciled ``tool.failed``: the system holds no write with the key."""
SETTLE = timedelta(minutes=10)
"""How old a request must be before a system without its key means it never happened: a
younger one may still be on its way (a write commits its key with it, when it commits)."""

FindWrite = Callable[[str, str], WriteLookup]
"""(tool, idempotency key) -> what the tool's system holds for it (``Connectors.find_write``)."""


class Found(StrEnum):
    SUCCEEDED = "succeeded"
    """The system made it: ``tool.succeeded`` was appended with its stored result."""
    NEVER_HAPPENED = "never_happened"
    """The system holds no such write: ``tool.failed`` was appended saying so."""
    WAITING = "waiting"
    """No such write yet, but the request is too recent to say it never happens."""
    UNKNOWN = "unknown"
    """The system could not be asked, or its answer does not fit; nothing was appended."""


@dataclass(frozen=True)
class Reconciled:
    """What reconciling one request found, and the row it appended (``seq``), if any."""

    requested_seq: int
    session_id: str
    tool: str
    idempotency_key: str | None
    found: Found
    detail: str
    seq: int | None = None


def call_of(record: AuditRecord) -> dict[str, Any]:
    """The ``_call`` details a write's rows carry beside its arguments (idempotency key, …)."""
    details = record.arguments.get("_call")
    return details if isinstance(details, dict) else {}


def unrecorded(records: Iterable[AuditRecord]) -> list[AuditRecord]:
    """The ``tool.requested`` rows of ``records`` (in seq order) that no outcome answers.

    A write's outcome is appended right after its request, in the same session, so an outcome
    answers the newest open request of its session and tool; a reconciled outcome names the
    key of the request it answers, as it comes at any later time."""
    open_requests: dict[tuple[str, str | None], list[AuditRecord]] = {}
    reconciled: set[str] = set()
    for record in records:
        where = (record.session_id, record.tool)
        if record.kind == "tool.requested":
            open_requests.setdefault(where, []).append(record)
        elif record.kind in OUTCOMES:
            details = call_of(record)
            if details.get("reconciled"):
                reconciled.add(str(details.get("idempotency_key")))
            elif open_requests.get(where):
                open_requests[where].pop()
    left = [r for found in open_requests.values() for r in found]
    return sorted(
        (r for r in left if str(call_of(r).get("idempotency_key")) not in reconciled),
        key=lambda r: r.seq,
    )


def reconcile(
    trail: AuditTrail,
    find_write: FindWrite,
    *,
    now: datetime | None = None,
    settle: timedelta = SETTLE,
    for_audit: Callable[[Any], Any] = lambda data: data,
) -> list[Reconciled]:
    """Ask each unanswered request's system whether the write happened and append the outcome
    it reports. ``now`` (the trail's clock by default) is naive UTC, as the trail's times;
    ``for_audit`` stores a result as the trail stores any (personal data masked as the data
    protection policy says)."""
    at = trail.clock() if now is None else now
    return [
        _reconcile(trail, find_write, record, at, settle, for_audit)
        for record in unrecorded(trail.records())
    ]


def _reconcile(
    trail: AuditTrail,
    find_write: FindWrite,
    record: AuditRecord,
    now: datetime,
    settle: timedelta,
    for_audit: Callable[[Any], Any],
) -> Reconciled:
    tool = record.tool or ""
    key = call_of(record).get("idempotency_key")

    def found(outcome: Found, detail: str, seq: int | None = None) -> Reconciled:
        key_text = key if isinstance(key, str) else None
        return Reconciled(record.seq, record.session_id, tool, key_text, outcome, detail, seq)

    if not isinstance(key, str) or not tool:
        return found(Found.UNKNOWN, "the request names no idempotency key to ask about")
    try:
        lookup = find_write(tool, key)
    except ConnectorError as exc:
        return found(Found.UNKNOWN, f"could not ask the system: {exc.message}")
    arguments = {k: v for k, v in record.arguments.items() if k != "_call"}
    call = {"idempotency_key": key, "reconciled": True, "requested_seq": record.seq}
    if lookup.found:
        if lookup.operation != tool:
            return found(Found.UNKNOWN, f"the key was used for {lookup.operation}, not {tool}")
        made = _outcome(record, "tool.succeeded", arguments, call, for_audit(lookup.result))
        # When the system made it, not when the gap was noticed.
        row = trail.append(made.model_copy(update={"occurred_at": lookup.created_at}))
        return found(Found.SUCCEEDED, "the system made it; its result is now recorded", row.seq)
    if record.occurred_at is not None and now - record.occurred_at < settle:
        return found(Found.WAITING, "not made yet; it may still be on its way")
    problem = {
        "code": NEVER_HAPPENED,
        "detail": f"{tool} holds no write with this key: it never happened, nothing was changed",
    }
    row = trail.append(_outcome(record, "tool.failed", arguments, call, problem))
    return found(Found.NEVER_HAPPENED, "the system never made it; recorded as failed", row.seq)


def _outcome(
    record: AuditRecord,
    kind: str,
    arguments: dict[str, Any],
    call: dict[str, Any],
    result: Any,
) -> AuditEvent:
    """The outcome row ``record`` lacks, as the toolbox would have written it, marked as
    reconciled (``_call``) and by the step that wrote it."""
    return AuditEvent(
        kind=kind,
        actor=record.actor,
        on_behalf_of=record.on_behalf_of,
        session_id=record.session_id,
        step="reconcile",
        tool=record.tool,
        arguments={**arguments, "_call": call},
        result=result,
        policy_decision=record.policy_decision,
        approval_id=record.approval_id,
        policy_version=record.policy_version,
    )
