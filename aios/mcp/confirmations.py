"""Confirmation ids for clients that cannot ask the person themselves (no MCP elicitation).

A call the policy holds for confirmation answers with an id; the client shows the person the
call and, when they agree, sends it again with exactly the same arguments and that id. The id
names one pending call: the user, the tool and a hash of the arguments, under a MAC only this
server can make, and when it expires. Nothing is stored: an id for other arguments, another
tool or another user does not check out, and a replay of the same one runs the same write
(its idempotency key comes from the id), so it runs once.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from aios.approvals import args_hash

PREFIX = "CF-"


class ConfirmationRefused(Exception):
    """The id does not confirm this call; the message says why, in plain words."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ConfirmationSeal:
    """``key`` is the MAC key (a new one per process by default: ids die with the server);
    ``ttl`` how long the person has to confirm."""

    def __init__(
        self,
        ttl: timedelta,
        clock: Callable[[], datetime],
        key: bytes | None = None,
    ) -> None:
        self.ttl = ttl
        self.clock = clock
        self._key = key or secrets.token_bytes(32)

    def issue(self, user: str, tool: str, args: dict[str, Any]) -> tuple[str, datetime]:
        """A confirmation id for exactly this call, and when it expires."""
        nonce = secrets.token_hex(8)
        expires = int((self.clock() + self.ttl).timestamp())
        mac = self._mac(nonce, expires, user, tool, args)
        return f"{PREFIX}{nonce}.{expires}.{mac}", datetime.fromtimestamp(expires, UTC)

    def check(self, ident: str, user: str, tool: str, args: dict[str, Any]) -> str:
        """The id's nonce (what names the confirmed write) when ``ident`` confirms exactly this
        call and has not expired; ConfirmationRefused otherwise."""
        nonce, expires, mac = _parts(ident)
        if not hmac.compare_digest(mac, self._mac(nonce, expires, user, tool, args)):
            raise ConfirmationRefused(
                f"Confirmation {ident} was not given for this call: it confirms one call of one "
                "user, with exactly the arguments it was given for. Nothing was run."
            )
        if self.clock().timestamp() >= expires:
            when = datetime.fromtimestamp(expires, UTC).strftime("%H:%M UTC")
            raise ConfirmationRefused(
                f"Confirmation {ident} expired at {when}. Nothing was run; call again without "
                "it to be given a new one."
            )
        return nonce

    def _mac(self, nonce: str, expires: int, user: str, tool: str, args: dict[str, Any]) -> str:
        sealed = "\n".join((nonce, str(expires), user, tool, args_hash(args)))
        return hmac.new(self._key, sealed.encode(), hashlib.sha256).hexdigest()[:32]


def _parts(ident: str) -> tuple[str, int, str]:
    nonce, _, rest = ident.removeprefix(PREFIX).partition(".")
    expires, _, mac = rest.partition(".")
    if not (ident.startswith(PREFIX) and nonce and expires.isdigit() and mac):
        raise ConfirmationRefused(f"{ident!r} is not a confirmation id. Nothing was run.")
    return nonce, int(expires), mac
