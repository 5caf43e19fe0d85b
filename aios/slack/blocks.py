"""How each assistant event reads in Slack, as Block Kit blocks.

The words are the web chat's (``aios.assistant.phrases``, each step's own summary, every
argument labelled as ``aios.assistant.arguments`` shows it); the form is Slack's: the plan as one
compact message whose step lines change as the steps run, sources as context blocks, decisions
as buttons, an error's code on a context line apart from its sentence. Every text goes through
``aios.slack.text`` (escaped, within Slack's limits) on its way into a block.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel

from aios.approvals import Approval, ApprovalStatus
from aios.assistant.events import (
    Citation,
    ClarificationEvent,
    ConfirmationRequired,
    ErrorEvent,
    MessageEvent,
    PlanEvent,
    ShownArgument,
)
from aios.assistant.phrases import sentence, understood_beyond_steps
from aios.slack.text import SECTION_LIMIT, chunks, clipped, escaped, mrkdwn

Block = dict[str, Any]
StepState = Literal["planned", "running", "done", "failed"]
CONFIRM = "confirm"
"""Prefix of the requester's Approve/Reject buttons' action ids; value: ``DecisionValue``."""
APPROVAL = "approval"
"""Prefix of an approver's Approve/Reject buttons' action ids; value: the approval id."""
CHOOSE = "choose"
"""Prefix of a clarification option's action id; value: the option's text."""

_MARK: dict[StepState, str] = {
    "planned": ":white_circle:",
    "running": ":hourglass_flowing_sand:",
    "done": ":white_check_mark:",
    "failed": ":x:",
}
_SETTLED_MARK = {
    ApprovalStatus.APPROVED: ":white_check_mark: *Approved*",
    ApprovalStatus.REJECTED: ":no_entry: *Rejected*",
    ApprovalStatus.EXPIRED: ":hourglass: *Expired*",
    ApprovalStatus.WITHDRAWN: ":leftwards_arrow_with_hook: *Withdrawn by the requester*",
}
_BUTTON_TEXT = 75
_BUTTON_VALUE = 2000
_SNIPPET = 300


class DecisionValue(BaseModel):
    """What a confirmation button carries: the session, and the confirmation it answers as
    shown (the core refuses a click on a replaced or decided one; a button drawn before
    confirmations had ids carries neither, and is refused likewise)."""

    session: str
    confirmation: str = ""
    args_hash: str = ""


def sections(text: str) -> list[Block]:
    """``text`` (Markdown) as as many section blocks as Slack's text limit needs."""
    return [
        {"type": "section", "text": {"type": "mrkdwn", "text": piece}}
        for piece in chunks(mrkdwn(text), SECTION_LIMIT)
    ]


def fallback(text: str) -> str:
    """The message's plain ``text`` (notifications, screen readers), escaped and short."""
    return escaped(clipped(text, SECTION_LIMIT))


def plan(event: PlanEvent, states: dict[int, StepState], done: dict[int, str]) -> list[Block]:
    """The plan, each step marked with how far it got and, once done, saying what it did
    (``done``: the steps' summaries); updated in place as steps run. What was understood
    heads it only when it says more than the steps."""
    understood = understood_beyond_steps(event)
    lines = [
        f"{_MARK[states.get(s.index, 'planned')]} {s.index + 1}. "
        f"{done.get(s.index) or s.description}"
        for s in event.steps
    ]
    return (sections(f"**{understood}**") if understood else []) + sections("\n".join(lines))


def _what(text: str, arguments: list[ShownArgument], reason: str) -> str:
    """What will be done, every argument it will be sent, and why a person is asked."""
    listed = "".join(f"\n• {a.label}: **{a.value}**" for a in arguments)
    return f"{text}{listed}\nWhy: {reason}"


def confirmation(event: ConfirmationRequired, session_id: str) -> list[Block]:
    """The requester's question, with the exact call and the buttons that answer it."""
    value = DecisionValue(
        session=session_id, confirmation=event.id, args_hash=event.args_hash
    ).model_dump_json()
    return [
        *sections(f"**Please confirm:** {_what(event.text, event.arguments, event.reason)}"),
        _actions(CONFIRM, value),
        _context(
            f"Only {event.requester}, who asked, can confirm; or reply *yes*, *no*, "
            "or what to change."
        ),
    ]


def four_eyes_waiting(event: ConfirmationRequired, where: str | None) -> list[Block]:
    """In the requester's thread: the request waits for someone else."""
    asked = f" I asked in <#{where}>." if where else ""
    what = _what(event.text, event.arguments, event.reason)
    text = f"**Needs approval by {event.approver_role}** (four-eyes): {what}"
    told = f"Request {escaped(event.approval_id or '')}. You will be told here what they decide."
    return [*sections(text), _context(f"{told}{asked}", raw=True)]


def approval_request(
    approval: Approval, arguments: list[ShownArgument], link: str | None
) -> list[Block]:
    """In the approvers' channel: exactly what would run (``arguments``, every one the step
    will be sent), who asked, and a way to decide."""
    what = _what(approval.description, arguments, approval.reason)
    blocks = [
        *sections(
            f"**{approval.requester} asks for approval by {approval.required_role}:** {what}"
        ),
        _context(f"Request {approval.id}"),
    ]
    if approval.status is ApprovalStatus.PENDING:
        blocks.append(_actions(APPROVAL, approval.id))
    else:
        who = f" by {approval.decided_by}" if approval.decided_by else ""
        blocks += sections(f"{_SETTLED_MARK[approval.status]}{who}")
        if approval.outcome:
            blocks += sections(approval.outcome)
    if link:
        blocks.append(_context(f"<{link}|Open the conversation>", raw=True))
    return blocks


def reply(event: MessageEvent) -> list[Block]:
    """The answer, then one context block per source (its passage quoted only where the
    answer does not already)."""
    shown = event.text.replace("**", "")
    return sections(event.text) + [_source(c, shown) for c in event.citations]


def _source(citation: Citation, shown: str) -> Block:
    name = f"{citation.title} > {citation.heading}" if citation.heading else citation.title
    snippet = "" if citation.snippet in shown else clipped(citation.snippet, _SNIPPET)
    return _context(f"**{name}** — `{citation.source}`\n{snippet}".rstrip())


def clarification(event: ClarificationEvent) -> list[Block]:
    buttons = [
        {
            "type": "button",
            "action_id": f"{CHOOSE}_{i}",
            "text": {"type": "plain_text", "text": clipped(option, _BUTTON_TEXT)},
            "value": clipped(option, _BUTTON_VALUE),
        }
        for i, option in enumerate(event.options[:25])  # an actions block holds 25 elements
    ]
    return sections(event.question) + (
        [{"type": "actions", "elements": buttons}] if buttons else []
    )


def error(event: ErrorEvent) -> list[Block]:
    """The message in plain words; its code apart, on a details line (for support)."""
    return [*sections(f":warning: {sentence(event.message)}"), _context(f"Details: {event.code}")]


def decided(label: str, by: str) -> list[Block]:
    """What a question's message becomes once answered: its buttons are gone."""
    return [_context(f"{label} by {by}")]


def _actions(prefix: str, value: str) -> Block:
    return {
        "type": "actions",
        "elements": [
            {
                "type": "button",
                "action_id": f"{prefix}_approve",
                "text": {"type": "plain_text", "text": "Approve"},
                "style": "primary",
                "value": value,
            },
            {
                "type": "button",
                "action_id": f"{prefix}_reject",
                "text": {"type": "plain_text", "text": "Reject"},
                "style": "danger",
                "value": value,
            },
        ],
    }


def _context(text: str, *, raw: bool = False) -> Block:
    """A context line; ``raw`` text is our own mrkdwn (a link, a channel) and is not escaped."""
    shown = text if raw else mrkdwn(text)
    return {
        "type": "context",
        "elements": [{"type": "mrkdwn", "text": clipped(shown, SECTION_LIMIT)}],
    }
