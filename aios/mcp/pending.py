"""Calls held for their user's confirmation, and the person's answer on one of them, wherever it
comes from (the MCP client's second call, ``aios mcp confirm`` in a terminal, the web chat's
buttons, the HTTP API): the answer is taken once, audited with its channel, and a confirmed
call runs through the direct-call path with the idempotency key it was given when it was held,
so it is written once. Every front end answers through ``PendingCalls.answer``.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import timedelta
from typing import Any

from aios.audit import AuditUnavailable
from aios.db import open_database
from aios.direct import DirectCalls, Outcome, Status, Via, session_for
from aios.identity import User
from aios.mcp.confirmations import (
    Answer,
    Confirmation,
    ConfirmationRefused,
    Confirmations,
)
from aios.settings import Settings
from aios.toolbox import Caller
from connectors.clock import utc_now
from connectors.errors import ConnectorError

CONFIRM_WITHIN = timedelta(minutes=10)
"""How long a confirmation id stays good."""


def open_pending(settings: Settings, direct: DirectCalls) -> PendingCalls:
    """The calls held for confirmation in ``settings``' state database, carried out by
    ``direct``."""
    held = Confirmations(open_database(settings, "state"), CONFIRM_WITHIN, utc_now)
    return PendingCalls(direct, held)


class PendingCalls:
    def __init__(self, direct: DirectCalls, confirmations: Confirmations) -> None:
        self.direct = direct
        self.confirmations = confirmations

    def answer(
        self,
        user: User,
        ident: str,
        answer: Answer,
        via: Via,
        call: tuple[str, dict[str, Any]] | None = None,
        refused_in: str | None = None,
    ) -> tuple[Confirmation, Outcome | None]:
        """Take ``user``'s answer on ``ident`` and, when they confirm, run the call: the
        confirmation as it now stands and the call's outcome (None when declined).
        ConfirmationRefused (recorded in session ``refused_in``, a new one by default) when
        the answer is not taken; ConnectorError and AuditUnavailable from the call."""
        try:
            taken = self.confirmations.answer(ident, user.name, answer, via.channel, call)
        except ConfirmationRefused as refused:
            who = Caller(actor=user.name, session_id=refused_in or session_for(None), step="call")
            tool = call[0] if call else None
            self.direct.toolbox.record(who, "call.received", tool=tool, **asdict(via))
            self.direct.toolbox.record(
                who,
                "confirmation.refused",
                tool=tool,
                confirmation_id=ident,
                reason=refused.message,
            )
            raise
        if answer == "decline":
            who = Caller(
                actor=user.name, session_id=session_for(taken.idempotency_key), step="call"
            )
            self.direct.toolbox.record(who, "call.received", tool=taken.tool, **asdict(via))
            self.direct.toolbox.record(
                who,
                "confirmation.given",
                tool=taken.tool,
                answer="reject",
                by=user.name,
                args=taken.arguments,
                confirmation_id=ident,
            )
            self.confirmations.record_outcome(ident, "Declined. Nothing was run.")
            return self.confirmations.get(ident) or taken, None
        try:
            done = self.direct.call(
                user,
                taken.tool,
                taken.arguments,
                confirmed=True,
                idempotency_key=taken.idempotency_key,
                via=via,
            )
        except (ConnectorError, AuditUnavailable) as exc:
            message = exc.message if isinstance(exc, ConnectorError) else str(exc)
            self.confirmations.record_outcome(ident, f"Failed: {message}. Nothing was changed.")
            raise
        self.confirmations.record_outcome(ident, _outcome(done))
        return self.confirmations.get(ident) or taken, done

    def shown(self, done: Outcome | None, user: User) -> Any:
        """A confirmed call's result as ``user`` may see it (masked for their role); None
        when there is none."""
        if done is None or done.result is None:
            return None
        masker = self.direct.masker
        return masker.shown(done.result, user.role) if masker else done.result


def _outcome(done: Outcome) -> str:
    if done.status is Status.DONE:
        return "It ran once."
    return f"It ended {done.status.value.replace('_', ' ')}: {done.decision.reason}"
