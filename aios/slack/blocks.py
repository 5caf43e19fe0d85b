"""How each assistant event reads in Slack, as Block Kit blocks.

The words are the web chat's; the form is Slack's: the plan as one compact message whose step
lines change as the steps run, sources as context blocks, decisions as buttons. Every text
goes through ``aios.slack.text`` (escaped, within Slack's limits) on its way into a block.
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
)
from aios.slack.text import SECTION_LIMIT, chunks, clipped, escaped, mrkdwn
from aios.web.render import as_json

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


def plan(event: PlanEvent, states: dict[int, StepState]) -> list[Block]:
    """The plan, each step marked with how far it got; updated in place as steps run."""
    head = f"**{event.understood}** ({event.confidence:.0%} sure)"
    lines = [
        f"{_MARK[states.get(s.index, 'planned')]} {s.index + 1}. `{s.tool}`: {s.description}"
        for s in event.steps
    ]
    return sections(head) + sections("\n".join(lines))


def _call(tool: str, args: dict[str, Any]) -> str:
    return f"`{tool}`\n```{as_json(args)}```"


def confirmation(event: ConfirmationRequired, session_id: str) -> list[Block]:
    """The requester's question, with the exact call and the buttons that answer it."""
    value = DecisionValue(
        session=session_id, confirmation=event.id, args_hash=event.args_hash
    ).model_dump_json()
    return [
        *sections(f"**Please confirm:** {event.text}\n_{event.reason}_"),
        *sections(_call(event.tool, event.args)),
        _actions(CONFIRM, value),
        _context(
            f"Only {event.requester}, who asked, can confirm; or reply *yes*, *no*, "
            "or what to change."
        ),
    ]


def four_eyes_waiting(event: ConfirmationRequired, where: str | None) -> list[Block]:
    """In the requester's thread: the request waits for someone else."""
    asked = f" I asked in <#{where}>." if where else ""
    text = (
        f"**Needs approval by {event.approver_role}** (four-eyes, request "
        f"{event.approval_id}): {event.text}\n_{event.reason}_"
    )
    return [*sections(text), _context(f"You will be told here what they decide.{asked}", raw=True)]


def approval_request(approval: Approval, link: str | None) -> list[Block]:
    """In the approvers' channel: exactly what would run, who asked, and a way to decide."""
    head = (
        f"**{approval.requester} asks for approval by {approval.required_role}** "
        f"({approval.id}): {approval.description}\n_{approval.reason}_"
    )
    blocks = [*sections(head), *sections(_call(approval.tool, approval.arguments))]
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
    return sections(f":warning: {event.message} ({event.code})")


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
