"""MCP calls held for the signed-in person's confirmation, in the web chat: a card for each with
its exact arguments and Confirm/Decline buttons, and what a click on one comes to. The answer
is taken by the one ``PendingCalls.answer`` (as in ``aios mcp confirm`` and the HTTP API):
only for the user the call was made for, once whichever channel answers first, audited from
the ``web`` channel.
"""

from __future__ import annotations

from collections.abc import Mapping

from aios import __version__
from aios.audit import AuditUnavailable
from aios.direct import Via
from aios.identity import User
from aios.mcp.confirmations import Answer, Confirmation, ConfirmationRefused
from aios.mcp.pending import PendingCalls
from aios.web.render import Button, Card, as_json, escaped
from connectors.errors import ConnectorError

ANSWER = "answer_held"
"""Name of the Confirm/Decline buttons' action; payload: id, answer."""
NONE_WAITING = "No calls from an AI assistant are waiting for your confirmation."
_ANSWERS: dict[str, Answer] = {"confirm": "confirm", "decline": "decline"}


def card(held: Confirmation) -> Card:
    """``held`` as its user reads it before answering: who asked, exactly what runs, why."""
    arguments = "\n".join(
        f"- {escaped(name)}: **{escaped(str(value))}**" for name, value in held.arguments.items()
    )
    text = (
        f"**{escaped(held.client or 'An AI assistant')} asks to run `{held.tool}` for you.** "
        f"Nothing runs unless you confirm it (by {held.expires_at:%H:%M} UTC).\n\n"
        f"{arguments}\n\nWhy you are asked: {escaped(held.reason)} · `{held.id}`"
    )
    ident = {"id": held.id}
    buttons = [
        Button(ANSWER, "Confirm", {**ident, "answer": "confirm"}, "check"),
        Button(ANSWER, "Decline", {**ident, "answer": "decline"}, "x"),
    ]
    return Card(text, buttons)


def answer(pending: PendingCalls, me: User, payload: Mapping[str, str], connection: str) -> Card:
    """A click on a held call's button, by ``me`` in chat ``connection``: what came of it."""
    ident, said = str(payload.get("id", "")), _ANSWERS.get(str(payload.get("answer")))
    if said is None:
        return Card("That is not an answer aios offered. Nothing was run.")
    via = Via("web", f"aios web chat {__version__}", "web", connection, ident)
    try:
        held, done = pending.answer(me, ident, said, via)
    except ConfirmationRefused as refused:
        return Card(escaped(refused.message))
    except ConnectorError as exc:
        return Card(f"{exc.code}: {escaped(exc.message)}. Nothing was changed.")
    except AuditUnavailable as exc:
        return Card(f"audit_unavailable: {escaped(str(exc))}; nothing was changed.")
    if done is None:
        return Card(f"Declined: `{held.tool}` was not run.")
    shown = pending.shown(done, me)
    result = f"\n\n```json\n{as_json(shown)}\n```" if shown is not None else ""
    return Card(f"Confirmed: `{held.tool}`. {escaped(held.outcome or '')}{result}")
