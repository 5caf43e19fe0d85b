"""Earlier writes, read back from the audit trail: what running totals count and what a
confirmation recalls ("already refunded $45.00 on INV-2038 in the last 24 hours: CN-4011").

The trail holds every write aios made, whoever asked and wherever (chat, API, Slack, CLI), and
a write's ``tool.succeeded`` row carries both its arguments and what the system booked.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from aios.audit import AuditTrail
from aios.audit.trail import AuditFilter
from aios.policy.totals import WINDOW_SPAN, PastWrite, TotalRule, amount

# Enough for any series a person could build by hand; the newest count first.
MOST = 2000
RECENT = timedelta(hours=24)


def past_writes(
    trail: AuditTrail, tool: str, since: datetime | None = None, most: int = MOST
) -> list[PastWrite]:
    """``tool``'s writes that succeeded, newest first, from ``since`` on if given."""
    rows = trail.newest(AuditFilter(tool=tool, kind="tool.succeeded", since=since), most)
    found = []
    for row in rows:
        booked = row.result if isinstance(row.result, dict) else {}
        ref = booked.get("id")
        found.append(
            PastWrite(
                tool=tool,
                values={**row.arguments, **booked},
                operator=row.on_behalf_of or row.actor,
                at=row.occurred_at or trail.clock(),
                ref=str(ref) if ref is not None else None,
            )
        )
    return found


def looked_back(rules: list[TotalRule], now: datetime) -> datetime | None:
    """How far back the writes are read: the longest window of ``rules`` (None: ever), and
    at least the last 24 hours, which a confirmation recalls."""
    spans = [WINDOW_SPAN[rule.window] for rule in rules]
    if any(span is None for span in spans):
        return None
    return now - max([RECENT, *(span for span in spans if span is not None)])


def shared_record(args: dict[str, Any], write: PastWrite) -> str | None:
    """The record ``write`` was on that ``args`` names too, if any: a shared ``*_id`` value
    (the invoice of a refund, the case of a note, the account of a credit limit)."""
    for name, value in args.items():
        if name.endswith("_id") and value is not None and write.values.get(name) == value:
            return str(value)
    return None


def repeats(args: dict[str, Any], history: list[PastWrite], now: datetime) -> str | None:
    """A warning naming the writes of the same kind on the same record in the last 24 hours,
    newest first, or None when there were none: one invoice took eight credit notes in twelve
    minutes and nobody was told."""
    recent = [
        (record, write)
        for write in history
        if write.at >= now - RECENT and (record := shared_record(args, write)) is not None
    ]
    if not recent:
        return None
    records = ", ".join(dict.fromkeys(record for record, _ in recent))
    done = "; ".join(recalled(write, now) for _, write in recent)
    times = "once" if len(recent) == 1 else f"{len(recent)} times"
    return (
        f"Already done {times} on {records} in the last 24 hours: {done}. "
        "Confirm only if this is another one."
    )


def recalled(write: PastWrite, now: datetime) -> str:
    """One earlier write in words: ``CN-4011, $45.00, 2 h ago``."""
    parts = [write.ref or write.tool]
    if write.values.get("amount") is not None:
        parts.append(f"${amount(write.values['amount']):,.2f}")
    minutes = max(0, int((now - write.at).total_seconds() // 60))
    parts.append(
        "just now"
        if minutes < 1
        else f"{minutes} min ago"
        if minutes < 120
        else f"{minutes // 60} h ago"
    )
    return ", ".join(parts)
