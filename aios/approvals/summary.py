"""Approval requests in words, for whoever asks what waits on them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from aios.approvals.models import Approval, ApprovalStatus


def request_lines(approvals: Sequence[Approval], now: datetime) -> list[str]:
    """One Markdown list item per request, newest first: id, what, and where it stands."""
    lines = []
    for a in sorted(approvals, key=lambda a: a.created_at, reverse=True):
        if a.status is ApprovalStatus.PENDING:
            minutes = int((a.due_at - now).total_seconds() // 60)
            due = f"due in {minutes} min" if minutes >= 0 else f"{-minutes} min overdue"
            where = f"waiting for {a.required_role}, {due}"
        else:
            where = f"**{a.standing()}**"
        lines.append(f"- `{a.id}` {a.requester}: {a.description} — {where}")
    return lines


def overview(waiting: Sequence[Approval], mine: Sequence[Approval], now: datetime) -> str:
    """What waits for the reader's decision, then the reader's own requests."""
    if waiting:
        text = "**Waiting for your decision:**\n" + "\n".join(request_lines(waiting, now))
    else:
        text = "Nothing waits for your approval."
    if mine:
        text += "\n\n**Your requests:**\n" + "\n".join(request_lines(mine, now))
    return text
