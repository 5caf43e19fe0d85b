"""Sign-ins on the audit trail: every front end that signs a person in (the web chat, the voice
page) records the same entries the same way: ``user.signed_in``, ``user.sign_in_failed`` and
``user.signed_out``, each with the channel and the client's address."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from aios.audit import AuditEvent, AuditTrail
from aios.identity import User
from aios.users.sign_in import username_of

UNKNOWN = "unknown"
"""The actor of a failed sign-in whose typed name is blank (the actor is the name typed)."""


class SignInTrail:
    def __init__(self, trail: AuditTrail, channel: str) -> None:
        self.trail = trail
        self.channel = channel

    def failed(self, typed_name: str, client: str | None, locked_until: datetime | None) -> None:
        """A wrong user name or password, or an attempt while locked out (``locked_until``)."""
        name = username_of(typed_name)[:64] or UNKNOWN
        session = f"{self.channel}-sign-in"
        self._record("user.sign_in_failed", name, session, client, {"locked_until": locked_until})

    def signed_in(self, user: User, session: str, client: str | None, **details: Any) -> None:
        self._record("user.signed_in", user.name, session, client, {"role": user.role, **details})

    def signed_out(self, name: str, session: str, client: str | None, **details: Any) -> None:
        self._record("user.signed_out", name, session, client, details)

    def _record(
        self, kind: str, actor: str, session: str, client: str | None, details: dict[str, Any]
    ) -> None:
        arguments = {"channel": self.channel, "client": client, **details}
        event = AuditEvent(
            kind=kind, actor=actor, session_id=session, step="sign_in", arguments=arguments
        )
        self.trail.append(event)
