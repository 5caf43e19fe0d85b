"""``aios mcp --http``: the server over Streamable HTTP, behind the API's keys.

Every request must carry a key (``Authorization: Bearer aios_…``, made with ``aios users
add-key``), checked as the API checks it: known and unrevoked, used from one of its pages if it
names any, within its rate; or, where the company's identity provider is configured, one of its
access tokens, checked as the API checks them (the person's role from their groups now). The
key's user, or the token's person, is who calls. An MCP session belongs to the key or person
that opened it: the SDK answers another's requests on it as if it did not exist.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from anyio import to_thread
from mcp.server.auth.middleware.bearer_auth import AuthenticatedUser
from mcp.server.auth.provider import AccessToken
from mcp.server.lowlevel import Server
from mcp.server.streamable_http_manager import StreamableHTTPSessionManager
from starlette.applications import Starlette
from starlette.authentication import AuthCredentials
from starlette.datastructures import Headers
from starlette.requests import HTTPConnection
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from aios.api.auth import KeyRates, admit_key, bearer, signed_in
from aios.api.errors import ApiError, problem
from aios.identity import User
from aios.mcp.server import Context
from aios.users import UserDirectory
from aios.users.oidc.provider import Provider
from aios.users.oidc.tokens import looks_like_jwt

PATH = "/mcp"


class KeyAccess(AccessToken):
    """What the SDK knows of a caller: the key (never the secret itself) and its user."""

    user: User


def http_app(
    server: Server[Any, Any],
    directory: UserDirectory,
    rates: KeyRates,
    provider: Provider | None = None,
) -> Starlette:
    """``provider``: the company's identity provider, whose access tokens are taken beside
    the keys (None: keys only)."""
    manager = StreamableHTTPSessionManager(server)

    @asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        async with manager.run():
            yield

    gate = _KeyGate(manager, directory, rates, provider)
    app = Starlette(routes=[Route(PATH, endpoint=gate)], lifespan=lifespan)
    app.state.rates = rates  # a provider's person is counted against the API's rate too
    return app


def user_of(ctx: Context) -> User:
    """The user whose key carried this request (the gate let no other request through)."""
    request = ctx.request
    found = request.scope.get("user") if request is not None else None
    if not (isinstance(found, AuthenticatedUser) and isinstance(found.access_token, KeyAccess)):
        raise PermissionError("no authenticated user on this request")
    return found.access_token.user


class _KeyGate:
    def __init__(
        self,
        manager: StreamableHTTPSessionManager,
        directory: UserDirectory,
        rates: KeyRates,
        provider: Provider | None,
    ) -> None:
        self.manager = manager
        self.directory = directory
        self.rates = rates
        self.provider = provider

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = Headers(scope=scope)
        token, origin = bearer(headers.get("authorization")), headers.get("origin")
        try:
            if token is not None and self.provider is not None and looks_like_jwt(token):
                user = await to_thread.run_sync(
                    signed_in, HTTPConnection(scope), self.provider, token
                )
                caller = f"user:{user.name}"  # the person, whichever of their tokens
            else:
                key, user = await to_thread.run_sync(
                    admit_key, self.directory, self.rates, token, origin
                )
                caller = key.id
        except ApiError as refused:
            extra = {"WWW-Authenticate": "Bearer"} if refused.status_code == 401 else {}
            response = problem(
                refused.status_code,
                refused.code,
                refused.detail,
                {**(refused.headers or {}), **extra},
            )
            await response(scope, receive, send)
            return
        access = KeyAccess(token=caller, client_id=caller, subject=user.name, scopes=[], user=user)
        scope["user"], scope["auth"] = AuthenticatedUser(access), AuthCredentials([])
        await self.manager.handle_request(scope, receive, send)
