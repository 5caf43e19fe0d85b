"""Roles from the identity provider's groups: ``policies/identity.yaml`` maps the groups (or
provider roles) a token carries to roles of ``policies/actions.yaml``.

The file is read again whenever it changes, and the mapping is applied at every request, so
moving a person to another group in the provider changes what they may do in aios without a
restart. Several groups give several roles; a role another of them inherits adds nothing (an
agent who is also in finance is finance). Roles of which none holds the others (finance and
senior agent) are refused, not guessed: the policy gives each user one role, so the mapping
must say which one such a person is.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, model_validator

from aios.config_files import load_yaml_model
from aios.policy.engine import PolicyEngine


class IdentityFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    version: str = Field(min_length=1, description="The mapping's version, for its readers.")
    username_claim: str = Field(
        "preferred_username",
        min_length=1,
        description="The claim whose value names the person in aios (the part before an @).",
    )
    groups_claim: str = Field(
        "groups",
        min_length=1,
        description="The claim that lists the person's groups or provider roles; a dotted path "
        "reaches into an object (Keycloak's realm_access.roles).",
    )
    groups: dict[str, str] = Field(description="A group (as the claim spells it) -> an aios role.")

    @model_validator(mode="after")
    def _roles_exist(self, info: ValidationInfo) -> IdentityFile:
        known = (info.context or {}).get("roles")
        if known is not None and (unknown := set(self.groups.values()) - set(known)):
            raise ValueError(f"groups map to roles the policy file does not have {sorted(unknown)}")
        return self


class NoRole(Exception):
    """The person's groups give them no role, or roles of which none is the one to take."""


class GroupRoles:
    """The mapping in ``path``, for the roles of ``policy``; re-read when the file changes."""

    def __init__(self, path: Path, policy: PolicyEngine) -> None:
        self.path = path
        self.policy = policy
        self._lock = threading.Lock()
        self._seen: tuple[int, int] | None = None
        self._file = self._read()

    def current(self) -> IdentityFile:
        """The mapping as the file holds it now. A file made wrong is not half-applied:
        ConfigFileError (with its file and line) for every sign-in until it is fixed."""
        with self._lock:
            stat = self.path.stat()
            if (stat.st_mtime_ns, stat.st_size) != self._seen:
                self._file = self._read()
            return self._file

    def _read(self) -> IdentityFile:
        stat = self.path.stat()
        read = load_yaml_model(self.path, IdentityFile, roles=list(self.policy.policy.roles))
        self._seen = (stat.st_mtime_ns, stat.st_size)
        return read

    def role_for(self, claims: dict[str, Any]) -> str:
        """The one aios role the token's groups give; NoRole with the reason otherwise."""
        mapping = self.current()
        groups = groups_in(claims, mapping.groups_claim)
        roles = sorted({mapping.groups[g] for g in groups if g in mapping.groups})
        if not roles:
            said = ", ".join(groups) if groups else f"none in its {mapping.groups_claim!r} claim"
            raise NoRole(
                f"None of your groups ({said}) gives a role in aios; ask an admin to add you "
                f"to one that {self.path.name} maps."
            )
        # A role held by another of them (agent, held by finance) adds nothing.
        top = [r for r in roles if not any(o != r and self.policy.holds(o, r) for o in roles)]
        if len(top) > 1:
            raise NoRole(
                f"Your groups give the roles {' and '.join(top)}, and none of them includes "
                f"the others; ask an admin which one you are ({self.path.name})."
            )
        return top[0]


def groups_in(claims: dict[str, Any], claim: str) -> list[str]:
    """The groups the claim ``claim`` (a dotted path) lists; a single string is one group."""
    value: Any = claims
    for part in claim.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [v for v in value if isinstance(v, str)]
    return []
