"""How each assistant event reads in the web chat, as plain views ``app.py`` turns into
Chainlit steps, messages, buttons and elements.

The same turn reads as in ``aios chat``; only the form differs: buttons instead of "reply yes or
no", a card for each source.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from aios.approvals import Approval
from aios.approvals.related import EarlierRefunds
from aios.approvals.summary import request_lines, standing_line
from aios.assistant.events import (
    Citation,
    ClarificationEvent,
    ConfirmationRequired,
    ErrorEvent,
    MessageEvent,
    PlanEvent,
    ShownArgument,
    StepFinished,
)
from aios.assistant.phrases import sentence, understood_beyond_steps
from aios.identity import User

DECIDE = "decide"
"""Name of the Approve/Reject buttons' action; payload: session, answer, key."""
CHOOSE = "choose"
"""Name of a clarification option's action; payload: text."""

_TOKEN = re.compile(r"\S+\s*|\s+")
_MARKDOWN = re.compile(r"[\\`*_\[\]<>|~]")


@dataclass(frozen=True)
class Button:
    action: str
    """Which callback handles a click: ``DECIDE`` or ``CHOOSE``."""
    label: str
    payload: dict[str, str]
    icon: str | None = None
    """A Lucide icon name, drawn from Chainlit's own bundle."""


@dataclass(frozen=True)
class Source:
    name: str
    """The card's title, unique within its message."""
    text: str


@dataclass(frozen=True)
class Card:
    """One assistant message: markdown text, and the buttons and sources that go with it."""

    text: str
    buttons: list[Button] = field(default_factory=list)
    sources: list[Source] = field(default_factory=list)


def plan_text(event: PlanEvent) -> str:
    """The plan as numbered steps in words, under what was understood when that says more."""
    understood = understood_beyond_steps(event)
    lines = [f"**{escaped(understood)}**", ""] if understood else []
    lines += [f"{step.index + 1}. {escaped(step.description)}" for step in event.steps]
    return "\n".join(lines)


def as_json(value: Any) -> str:
    """A tool call's input or output as readable JSON (amounts and dates as strings)."""
    return json.dumps(value, indent=2, ensure_ascii=False, default=str)


def step_output(event: StepFinished) -> str:
    if event.ok:
        return as_json(event.result)
    return event.error or "failed"


def step_title(event: StepFinished, planned: str) -> str:
    """A finished step's title: what it did, or that ``planned`` failed."""
    if event.ok:
        return event.summary or planned
    return f"Failed: {planned}"


def escaped(text: str) -> str:
    """``text`` shown as typed, never as Markdown: a note's ``*`` stays a star."""
    return _MARKDOWN.sub(r"\\\g<0>", text)


def arguments_text(arguments: list[ShownArgument]) -> str:
    """Every argument a step will be sent, one per line, as a person reads them."""
    return "\n".join(f"- {escaped(a.label)}: **{escaped(a.value)}**" for a in arguments)


def confirmation_card(
    event: ConfirmationRequired, session_id: str, viewer: User, *, may_approve: bool = False
) -> Card:
    """What ``viewer`` sees of a pending confirmation or approval: what will be done, every
    argument it will be sent, and why a person is asked, with Approve/Reject buttons only for
    the requester of a confirmation, or when the ledger says ``viewer`` may approve
    (``Assistant.resume`` checks again)."""
    what = f"{escaped(event.text)}\n\n{arguments_text(event.arguments)}".rstrip()
    why = f"Why: {escaped(event.reason)}"
    if event.decision == "confirm":
        if viewer.name != event.requester:
            return Card(f"**Waiting for {event.requester} to confirm:** {what}\n\n{why}")
        how = "Approve or reject below, reply *yes* or *no*, or say what to change."
        return Card(f"**Please confirm:** {what}\n\n{why}\n\n{how}", _buttons(event, session_id))
    role = event.approver_role
    if viewer.name == event.requester:
        how = (
            f"Someone else with the {role} role decides it under `/approvals` in their chat "
            f"(request {event.approval_id}); you will be told here what they decide."
        )
        return Card(f"**Needs approval by {role}** (four-eyes): {what}\n\n{why}\n\n{how}")
    if not may_approve:
        return Card(f"**Waiting for approval by {role}:** {what}\n\n{why}")
    return Card(
        f"**{event.requester} asks for your approval** as {role}: {what}\n\n{why}",
        _buttons(event, session_id),
    )


def approver_card(
    approval: Approval,
    pending: ConfirmationRequired | None,
    refunds: EarlierRefunds | None,
    now: datetime,
) -> Card:
    """The whole picture for an approver who may decide ``approval``: the request's id, what
    will be done with every argument, why approval is needed, who asked and when, when it is
    due, its escalation level, and the customer's earlier refunds on the invoice. Buttons come
    with the conversation's ``pending`` confirmation; a request made outside a conversation
    (``aios tools call``, MCP) is decided where it says."""
    if pending is not None:
        what = f"{escaped(pending.text)}\n\n{arguments_text(pending.arguments)}"
    else:
        listed = "\n".join(
            f"- {escaped(k)}: **{escaped(str(v))}**" for k, v in approval.arguments.items()
        )
        what = f"{escaped(approval.description)}\n\n{listed}"
    parts = [
        f"**{approval.requester} asks for your approval** as {approval.required_role} "
        f"(request `{approval.id}`): {what.rstrip()}",
        f"Why approval is needed: {escaped(approval.reason)}",
        standing_line(approval, now),
    ]
    if refunds is not None:
        parts.append(_refunds_text(refunds))
    if pending is None:
        parts.append(f"Decide it with `aios approvals decide {approval.id} --as <you>` or the API.")
        return Card("\n\n".join(parts))
    parts.append("Approve, or reject (you may say why: the requester is told).")
    return Card("\n\n".join(parts), _buttons(pending, approval.session_id, ask_why=True))


def _refunds_text(earlier: EarlierRefunds) -> str:
    head = f"**Earlier refunds on invoice {escaped(earlier.invoice_id)}:**"
    if earlier.unavailable is not None:
        return f"{head} not shown ({escaped(sentence(earlier.unavailable))})"
    if not earlier.refunds:
        return f"{head} none."
    rows = [f"- {escaped(line)}" for line in earlier.lines()]
    return head + "\n" + "\n".join(rows)


def _buttons(
    event: ConfirmationRequired, session_id: str, *, ask_why: bool = False
) -> list[Button]:
    """Approve and Reject; with ``ask_why`` (an approver's), Reject first asks for a reason."""
    # The buttons name the confirmation as shown: the core refuses a click on a replaced one.
    shown = {"confirmation_id": event.id, "args_hash": event.args_hash}
    why = {"ask_why": "yes"} if ask_why else {}
    return [
        Button(DECIDE, "Approve", {"session": session_id, "answer": "approve", **shown}, "check"),
        Button(DECIDE, "Reject", {"session": session_id, "answer": "reject", **shown, **why}, "x"),
    ]


WHY_REJECTED = (
    "Why do you reject it? Your words go to {requester} with the decision; reply *skip* to "
    "reject without a reason."
)


def rejection_reason(reply: str | None) -> str | None:
    """An approver's answer to ``WHY_REJECTED`` as the reason to pass on; None for none."""
    said = (reply or "").strip()
    return None if said.lower().strip(".!") in {"", "skip", "no reason", "none", "-"} else said


def reply_card(event: MessageEvent) -> Card:
    """The answer, then a Sources section: one card per citation, quoting the passage only
    where the answer does not already (a passage is shown once)."""
    sources = _sources(event.citations, event.text.replace("**", ""))
    if not sources:
        return Card(event.text)
    return Card(f"{event.text}\n\n**Sources**", sources=sources)


def _sources(citations: list[Citation], shown: str) -> list[Source]:
    sources: list[Source] = []
    seen: set[str] = set()
    for citation in citations:
        name = f"{citation.title} > {citation.heading}" if citation.heading else citation.title
        if name in seen:
            name = f"{name} ({citation.source})"
        seen.add(name)
        quoted = "" if citation.snippet in shown else citation.snippet
        body = f"*{citation.source}*\n\n{quoted}".rstrip()
        sources.append(Source(name, body))
    return sources


def clarification_card(event: ClarificationEvent) -> Card:
    buttons = [Button(CHOOSE, option, {"text": option}) for option in event.options]
    return Card(event.question, buttons)


def error_text(event: ErrorEvent) -> str:
    """The message in plain words, its code apart on a details line (for support, not for
    reading)."""
    return f"{sentence(event.message)}\n\n*Details: {event.code}*"


def tokens(text: str) -> list[str]:
    """``text`` in word-sized pieces, whitespace kept, to stream it as it would be typed."""
    return _TOKEN.findall(text)


def approvals_summary(to_decide: int, asked: list[Approval], now: datetime) -> str:
    """The closing line of ``/approvals``: what waits on the viewer (shown above), and their
    own requests."""
    if to_decide == 0:
        head = "Nothing waits for your approval."
    elif to_decide == 1:
        head = "**1 request waits for your decision** (above)."
    else:
        head = f"**{to_decide} requests wait for your decision** (above)."
    if not asked:
        return head
    return head + "\n\n**Your requests:**\n" + "\n".join(request_lines(asked, now))
