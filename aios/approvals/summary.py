"""Approval requests in words, for whoever asks what waits on them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from aios.approvals.models import Approval, ApprovalStatus


def due_text(approval: Approval, now: datetime) -> str:
    """How long the approver has: "due in 30 min", or "12 min overdue"."""
    minutes = int((approval.due_at - now).total_seconds() // 60)
    return f"due in {minutes} min" if minutes >= 0 else f"{-minutes} min overdue"


def request_lines(approvals: Sequence[Approval], now: datetime) -> list[str]:
    """One Markdown list item per request, newest first: id, what, and where it stands."""
    lines = []
    for a in sorted(approvals, key=lambda a: a.created_at, reverse=True):
        if a.status is ApprovalStatus.PENDING:
            where = f"waiting for {a.required_role}, {due_text(a, now)}"
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


def standing_line(approval: Approval, now: datetime) -> str:
    """Who asked and when, when it is due, and how often it escalated: what an approver weighs
    besides the request itself."""
    asked = f"Requested by {approval.requester} at {approval.created_at:%Y-%m-%d %H:%M} UTC"
    due = f"due {approval.due_at:%H:%M} UTC ({due_text(approval, now)})"
    if approval.level == 0:
        level = f"escalation level 0 (first asked of {approval.required_role})"
    else:
        level = f"escalation level {approval.level} (now with {approval.required_role})"
    return f"{asked}; {due}; {level}."


def notice_text(approval: Approval) -> str:
    """What the requester is told of a decided request, once: the decision, who took it and
    why, and what came of it. The outcome was said by the run that carried the decision out
    ("Rejected by erin: …"), which names the decider and the reason again; neither is said
    twice."""
    told = f"Your request {approval.id} ({approval.description}) was {approval.standing()}"
    outcome = (approval.outcome or "").strip()
    said_already = approval.decision().lower()
    if approval.decided_by and outcome.lower().startswith(said_already):
        outcome = outcome[len(said_already) :].lstrip()
    if not outcome or outcome[0] in ".:;,":
        return f"{told}{outcome or '.'}"
    return f"{told}. {outcome}"
