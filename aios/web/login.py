"""Web chat sign-in: who may sign in with what, from where, and when a server may start.

Each user signs in with their own password (``aios users set-password``); ``aios demo seed``
gives the demo operators the demo password. Failed attempts are throttled (``SignIns``); every
sign-in, failed sign-in and sign-out is on the audit trail (``SignInTrail``). A
server that listens beyond this machine refuses to start while any user still has the demo
password, unless told explicitly that it is a demo (``AIOS_ALLOW_DEMO_LOGIN=1``).
"""

from __future__ import annotations

import ipaddress
import logging
from contextvars import ContextVar

from starlette.types import ASGIApp, Receive, Scope, Send

from aios.audit import AuditTrail, AuditUnavailable
from aios.identity import User
from aios.users import UserDirectory
from aios.users.sign_in import SignIns
from aios.users.sign_in_trail import SignInTrail

log = logging.getLogger(__name__)
_CLIENT: ContextVar[str | None] = ContextVar("aios_sign_in_client", default=None)
CHANNEL = "web"
SESSION = "web-sign-in"
"""The trail's session for the chat's sign-ins: a chat sign-in has no key to name it by."""


class DemoLoginExposed(RuntimeError):
    """A server beyond loopback with demo credentials, not allowed to be one."""


def is_loopback(host: str) -> bool:
    if host.strip().lower() in {"localhost", "localhost.localdomain"}:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # a name, or "" (every address): reachable from elsewhere


def refuse_exposed_demo(host: str, directory: UserDirectory, *, allowed: bool) -> None:
    """DemoLoginExposed when a chat on ``host`` would sign people in with the demo password
    from beyond this machine and ``allowed`` does not say that is the point."""
    if is_loopback(host) or allowed:
        return
    demo = directory.with_demo_password()
    if demo:
        raise DemoLoginExposed(
            f"Refusing to serve the web chat on {host}: {', '.join(demo)} still sign in with "
            "the demo password, which anyone can read in the README. Give each their own "
            "(aios users set-password NAME) or deactivate them (aios users deactivate NAME); "
            "or, for a shared demo, set AIOS_ALLOW_DEMO_LOGIN=1 (aios serve --allow-demo-login)."
        )


def check(directory: UserDirectory, trail: AuditTrail, username: str, password: str) -> User | None:
    """The user when ``password`` is theirs and neither they nor this request's client are
    locked out, else None (Chainlit's form says only that it failed). Either way it is on the
    audit trail, as the voice page's sign-ins are; when the trail cannot take it, nobody is
    signed in."""
    client = _CLIENT.get()
    attempt = SignIns(directory).attempt(username, password, client)
    entries = SignInTrail(trail, CHANNEL)
    try:
        if attempt.user is None:
            entries.failed(username, client, attempt.locked_until)
        else:
            entries.signed_in(attempt.user, SESSION, client)
    except AuditUnavailable:
        log.exception("sign-in as %s refused: the audit trail is unavailable", username)
        return None
    return attempt.user


def signed_out(trail: AuditTrail, name: str) -> None:
    """``name`` signed out of the chat: on the trail, as a sign-out of the voice page is."""
    SignInTrail(trail, CHANNEL).signed_out(name, SESSION, _CLIENT.get())


class ClientAddress:
    """ASGI middleware that makes the client's address known to ``check``: Chainlit hands its
    sign-in callback the form alone. Behind a proxy, run uvicorn with ``--proxy-headers``
    (and ``--forwarded-allow-ips``) so the address is the browser's, not the proxy's."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        client = scope.get("client")
        token = _CLIENT.set(client[0] if client else None)
        try:
            await self.app(scope, receive, send)
        finally:
            _CLIENT.reset(token)
