"""The identity provider as a front end meets it: a bearer token in, a ``User`` out."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from aios.audit import AuditTrail
from aios.identity import User
from aios.policy.engine import PolicyEngine
from aios.settings import Settings
from aios.users.directory import UserDirectory
from aios.users.oidc.groups import GroupRoles
from aios.users.oidc.keys import ProviderKeys
from aios.users.oidc.people import ProviderUsers
from aios.users.oidc.tokens import AccessTokens


@dataclass(frozen=True)
class Provider:
    tokens: AccessTokens
    people: ProviderUsers

    def user(self, token: str, client: str | None) -> User:
        """The user ``token`` stands for, with the role their groups give now. Raises
        TokenRefused, NoRole, NotLetIn, ProviderUnavailable or ConfigFileError (the mapping
        file is wrong), each with a message for the caller or the log."""
        return self.people.user_for(self.tokens.verify(token), token, client)


def open_provider(
    settings: Settings,
    directory: UserDirectory,
    policy: PolicyEngine,
    trail: AuditTrail,
    channel: str,
    clock: Callable[[], float] = time.monotonic,
) -> Provider | None:
    """The provider the settings name, or None when none is configured (demo mode). The
    mapping file is read now: a wrong one stops the start with its file and line. ``clock``
    times the provider's cached keys (tests move it on instead of waiting)."""
    if settings.oidc_issuer is None or settings.oidc_audience is None:
        return None
    keys = ProviderKeys(settings.oidc_issuer, frozenset(settings.oidc_algorithms), clock=clock)
    roles = GroupRoles(settings.identity_file, policy)
    return Provider(
        AccessTokens(keys, settings.oidc_audience),
        ProviderUsers(directory, roles, trail, channel),
    )
