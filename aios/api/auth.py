"""Who is calling: the API key in ``Authorization: Bearer aios_…`` maps to a user and role,
and so does an access token of the company's identity provider (a JWT), when one is configured.

A key scoped to origins (a widget's key, visible in its page) works only from a browser on
those pages; every key is rate limited, by its own limit or the API's default. ``admit`` does
these checks for HTTP routes and for calls over a WebSocket alike.
"""

from __future__ import annotations

import logging
import math
import time
from typing import Annotated

import limits
from fastapi import Depends, Header, Request
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter
from starlette.requests import HTTPConnection

from aios.api.errors import ApiError
from aios.config_files import ConfigFileError
from aios.identity import User
from aios.users import UserDirectory
from aios.users.directory import ApiKey
from aios.users.oidc.groups import NoRole
from aios.users.oidc.keys import ProviderUnavailable
from aios.users.oidc.people import NotLetIn
from aios.users.oidc.provider import Provider
from aios.users.oidc.tokens import TokenRefused, looks_like_jwt

log = logging.getLogger(__name__)


class KeyRates:
    """Requests per key in a moving window, in this process's memory."""

    def __init__(self, default: str) -> None:
        self.default = limits.parse(default)
        self.limiter = MovingWindowRateLimiter(MemoryStorage())

    def spend(self, key: ApiKey) -> None:
        """Count one request of ``key``; 429 with Retry-After once its window is full."""
        self.spend_as(key.id, key.rate_limit)

    def spend_as(self, caller: str, limit: str | None) -> None:
        """Count one request of ``caller`` (a key's id, a provider's user) against ``limit``,
        or the API's default."""
        rate = limits.parse(limit) if limit else self.default
        if self.limiter.hit(rate, caller):
            return
        reset_at = self.limiter.get_window_stats(rate, caller).reset_time
        wait = max(1, math.ceil(reset_at - time.time()))
        raise ApiError(
            429,
            "rate_limited",
            f"This key may make {rate}; try again in {wait} s.",
            {"Retry-After": str(wait)},
        )


def bearer(authorization: str | None) -> str | None:
    """The key in an ``Authorization: Bearer …`` header, if that is what it holds."""
    scheme, _, token = (authorization or "").partition(" ")
    return token if scheme.lower() == "bearer" else None


def admit(connection: HTTPConnection, token: str | None, origin: str | None) -> tuple[ApiKey, User]:
    """The key ``token`` and its user, checked as every route checks them (an HTTP request or a
    WebSocket alike): known, used from one of its pages if it names any, within its rate."""
    directory: UserDirectory = connection.app.state.runtime.users
    return admit_key(directory, connection.app.state.rates, token, origin)


def admit_key(
    directory: UserDirectory, rates: KeyRates, token: str | None, origin: str | None
) -> tuple[ApiKey, User]:
    """``admit`` for any server that holds a directory and rates of its own (``aios mcp``)."""
    found = directory.resolve_key(token) if token else None
    if found is None:
        raise ApiError(401, "unauthorized", "A valid API key is required (Bearer aios_…).")
    key, user = found
    if key.origins and (origin or "").lower() not in key.origins:
        raise ApiError(
            403,
            "origin_not_allowed",
            "This key works only on the pages it was made for: "
            f"{', '.join(key.origins)}; ask an admin for a key for this page.",
        )
    rates.spend(key)
    return key, user


def spend(connection: HTTPConnection, key: ApiKey) -> None:
    """Count one request of ``key`` against its rate (ApiError 429 once it is spent)."""
    rates: KeyRates = connection.app.state.rates
    rates.spend(key)


def signed_in(connection: HTTPConnection, provider: Provider, token: str) -> User:
    """The user the provider's access token ``token`` stands for, with the role their groups
    give now; 401 for a token aios does not take, 403 for a person it does not let in."""
    client = connection.client.host if connection.client else None
    try:
        user = provider.user(token, client)
    except TokenRefused as refused:
        raise ApiError(401, "unauthorized", str(refused)) from None
    except NoRole as refused:
        raise ApiError(403, "no_role", str(refused)) from None
    except NotLetIn as refused:
        raise ApiError(403, "not_allowed", str(refused)) from None
    except (ProviderUnavailable, ConfigFileError) as broken:
        log.error("signing in through the identity provider failed: %s", broken)
        raise ApiError(
            503,
            "provider_unavailable",
            "Signing in through the identity provider is not possible right now; try again, "
            "or use an API key.",
        ) from None
    rates: KeyRates = connection.app.state.rates
    rates.spend_as(f"user:{user.name}", None)
    return user


def _caller(
    request: Request,
    authorization: Annotated[str | None, Header()] = None,
    origin: Annotated[str | None, Header(include_in_schema=False)] = None,
) -> User:
    token = bearer(authorization)
    provider: Provider | None = request.app.state.provider
    if token is not None and provider is not None and looks_like_jwt(token):
        return signed_in(request, provider, token)
    return admit(request, token, origin)[1]


Caller = Annotated[User, Depends(_caller)]
