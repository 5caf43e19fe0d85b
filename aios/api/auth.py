"""Who is calling: the API key in ``Authorization: Bearer aios_…`` maps to a user and role.

A key scoped to origins (a widget's key, visible in its page) works only from a browser on
those pages; every key is rate limited, by its own limit or the API's default. ``admit`` does
these checks for HTTP routes and for calls over a WebSocket alike.
"""

from __future__ import annotations

import math
import time
from typing import Annotated

import limits
from fastapi import Depends, Header, Request
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter
from starlette.requests import HTTPConnection

from aios.api.errors import ApiError
from aios.identity import User
from aios.users import UserDirectory
from aios.users.directory import ApiKey


class KeyRates:
    """Requests per key in a moving window, in this process's memory."""

    def __init__(self, default: str) -> None:
        self.default = limits.parse(default)
        self.limiter = MovingWindowRateLimiter(MemoryStorage())

    def spend(self, key: ApiKey) -> None:
        """Count one request of ``key``; 429 with Retry-After once its window is full."""
        rate = limits.parse(key.rate_limit) if key.rate_limit else self.default
        if self.limiter.hit(rate, key.id):
            return
        reset_at = self.limiter.get_window_stats(rate, key.id).reset_time
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


def _caller(
    request: Request,
    authorization: Annotated[str | None, Header()] = None,
    origin: Annotated[str | None, Header(include_in_schema=False)] = None,
) -> User:
    return admit(request, bearer(authorization), origin)[1]


Caller = Annotated[User, Depends(_caller)]
