"""The user directory: every channel maps its caller to one of these users before anything runs."""

from __future__ import annotations

import functools
import hashlib
import json
import re
import secrets
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from pydantic import BaseModel, Field
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from aios.db import open_database
from aios.identity import User
from aios.migrations import upgrade
from aios.users.scopes import checked_rate, origin_of
from aios.users.tables import ApiKeyRow, ApiKeyScopeRow, UserRow
from connectors.clock import utc_now

if TYPE_CHECKING:
    from aios.settings import Settings

KEY_PREFIX = "aios_"
_NAME = re.compile(r"^[a-z][a-z0-9._-]{0,63}$")
MIN_PASSWORD = 10
"""Characters a password set with ``set_password`` has at least (the demo's is exempt)."""


class UnknownRole(ValueError):
    pass


class ApiKey(BaseModel):
    id: str
    user: str
    label: str
    created_at: datetime
    revoked_at: datetime | None
    origins: list[str] = Field(
        default_factory=list, description="Pages that may use the key; empty: no page limit."
    )
    rate_limit: str | None = Field(None, description="e.g. 60/minute; None: the default.")
    expires_at: datetime | None = Field(None, description="When it stops working; None: never.")


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class UserDirectory:
    def __init__(
        self,
        engine: Engine,
        roles: Iterable[str],
        clock: Callable[[], datetime] = utc_now,
        hasher: PasswordHasher | None = None,
    ) -> None:
        self.engine = engine
        self.roles = frozenset(roles)
        self.clock = clock
        # argon2id with the library's defaults (RFC 9106's low-memory choice, 64 MiB).
        self.hasher = hasher or PasswordHasher()
        self._decoy: str | None = None

    @staticmethod
    def valid_name(name: str) -> bool:
        """Whether ``name`` may name a user: lower-case letters, digits, . _ -."""
        return bool(_NAME.match(name))

    def create_tables(self) -> None:
        """Bring the state database, these tables among its others, to its newest schema."""
        upgrade(self.engine, "state")

    def get(self, name: str) -> User | None:
        """The active user ``name``, or None."""
        with Session(self.engine) as session:
            row = session.get(UserRow, name.strip().lower())
            return _user(row) if row is not None and row.active else None

    def all(self) -> list[User]:
        with Session(self.engine) as session:
            query = select(UserRow).where(col(UserRow.active)).order_by(col(UserRow.name))
            return [_user(row) for row in session.exec(query)]

    def add(self, name: str, role: str, display_name: str = "") -> User:
        """Create ``name`` or change its role; UnknownRole unless the policy file has ``role``."""
        if role not in self.roles:
            raise UnknownRole(f"unknown role {role!r}; the policy file has {sorted(self.roles)}")
        if not self.valid_name(name):
            raise ValueError(f"invalid username {name!r}: lower-case letters, digits, . _ -")
        with Session(self.engine) as session:
            row = session.get(UserRow, name) or UserRow(
                name=name, role=role, created_at=self.clock()
            )
            row.role, row.active = role, True
            row.display_name = display_name or row.display_name
            session.add(row)
            session.commit()
            session.refresh(row)
            return _user(row)

    def deactivate(self, name: str) -> None:
        """The user can no longer act; their keys stop working with them."""
        with Session(self.engine) as session:
            row = session.get(UserRow, name)
            if row is None:
                raise KeyError(f"unknown user {name!r}")
            row.active = False
            session.add(row)
            session.commit()

    def add_key(
        self,
        name: str,
        label: str = "",
        *,
        origins: Sequence[str] = (),
        rate_limit: str | None = None,
        lifetime: timedelta | None = None,
    ) -> tuple[ApiKey, str]:
        """A new API key for ``name``: its record, and the key itself (shown once, never stored).

        A key for a page (the widget) names the ``origins`` it may be used from; a browser on any
        other page is refused. ``rate_limit`` overrides the API's default for this key. A key
        with a ``lifetime`` stops working that long after it is made."""
        if self.get(name) is None:
            raise KeyError(f"unknown user {name!r}")
        scoped = sorted({origin_of(o) for o in origins})
        rate = checked_rate(rate_limit) if rate_limit else None
        token = KEY_PREFIX + secrets.token_urlsafe(32)
        now = self.clock()
        row = ApiKeyRow(
            id=f"key_{secrets.token_hex(6)}",
            user_name=name,
            key_hash=_digest(token),
            label=label,
            created_at=now,
        )
        scope = ApiKeyScopeRow(
            key_id=row.id,
            origins=json.dumps(scoped),
            rate_limit=rate,
            expires_at=now + lifetime if lifetime is not None else None,
        )
        with Session(self.engine) as session:
            session.add(row)
            session.flush()
            session.add(scope)
            session.commit()
            session.refresh(row)
            return _key(row, scope), token

    def keys(self, name: str | None = None) -> list[ApiKey]:
        query = (
            select(ApiKeyRow, ApiKeyScopeRow)
            .join(ApiKeyScopeRow, isouter=True)
            .order_by(col(ApiKeyRow.created_at))
        )
        if name is not None:
            query = query.where(ApiKeyRow.user_name == name)
        with Session(self.engine) as session:
            return [_key(row, scope) for row, scope in session.exec(query)]

    def revoke_key(self, key_id: str) -> None:
        with Session(self.engine) as session:
            row = session.get(ApiKeyRow, key_id)
            if row is None:
                raise KeyError(f"unknown key {key_id!r}")
            row.revoked_at = row.revoked_at or self.clock()
            session.add(row)
            session.commit()

    def resolve_key(self, token: str) -> tuple[ApiKey, User] | None:
        """An unrevoked, unexpired ``token``'s record and its active user, or None."""
        if not token.startswith(KEY_PREFIX):
            return None
        query = (
            select(ApiKeyRow, ApiKeyScopeRow)
            .join(ApiKeyScopeRow, isouter=True)
            .where(ApiKeyRow.key_hash == _digest(token))
        )
        with Session(self.engine) as session:
            found = session.exec(query).first()
        if found is None or found[0].revoked_at is not None:
            return None
        key = _key(*found)
        if key.expires_at is not None and key.expires_at <= self.clock():
            return None
        user = self.get(key.user)
        return (key, user) if user is not None else None

    def seed(self, users: Iterable[User], demo_password: str | None = None) -> int:
        """Add the users that are missing; existing ones, deactivated too, stay as they are.

        With ``demo_password``, those of ``users`` with no password of their own get it (a
        directory from before passwords existed included), marked as the demo's."""
        added = 0
        with Session(self.engine) as session:
            known = set(session.exec(select(UserRow.name)))
        for user in users:
            if user.name not in known:
                self.add(user.name, user.role, user.display_name)
                added += 1
            if demo_password is not None:
                self._set_hash(user.name, demo_password, demo=True, only_if_unset=True)
        return added

    def _hash(self, password: str, *, demo: bool) -> str:
        if not demo:
            return self.hasher.hash(password)
        # One hash serves every demo operator (they share the password, so a shared salt
        # tells nothing new), and the process keeps it: seeding stays as quick as before.
        h = self.hasher
        return _demo_hash(password, h.time_cost, h.memory_cost, h.parallelism, h.hash_len)

    def set_password(self, name: str, password: str) -> None:
        """``name``'s own web chat password (only its argon2id hash is stored); it replaces
        the demo password. ValueError when it is too short, KeyError for an unknown user."""
        if len(password) < MIN_PASSWORD:
            raise ValueError(f"a password has at least {MIN_PASSWORD} characters")
        self._set_hash(name, password, demo=False)

    def check_password(self, name: str, password: str) -> User | None:
        """The active user ``name`` when ``password`` is theirs, else None. An unknown name
        costs the same hashing as a known one: the time taken tells nobody who exists."""
        with Session(self.engine) as session:
            row = session.get(UserRow, name.strip().lower())
        stored = row.password_hash if row is not None and row.active else None
        if stored is None:
            self._decoy = self._decoy or self.hasher.hash(secrets.token_urlsafe(16))
        try:
            self.hasher.verify(stored or self._decoy or "", password)
        except (VerificationError, InvalidHashError):
            return None
        return _user(row) if row is not None and stored is not None else None

    def with_demo_password(self) -> list[str]:
        """Active users who sign in with the demo's shared password."""
        query = select(UserRow.name).where(col(UserRow.active), col(UserRow.demo_password))
        with Session(self.engine) as session:
            return sorted(session.exec(query))

    def _set_hash(
        self, name: str, password: str, *, demo: bool, only_if_unset: bool = False
    ) -> None:
        with Session(self.engine) as session:
            row = session.get(UserRow, name)
            if row is None:
                raise KeyError(f"unknown user {name!r}")
            if only_if_unset and (row.password_hash is not None or not row.active):
                return  # a deactivated operator stays as they are, without the demo password
            row.password_hash, row.demo_password = self._hash(password, demo=demo), demo
            session.add(row)
            session.commit()


@functools.cache
def _demo_hash(password: str, time_cost: int, memory_cost: int, parallel: int, length: int) -> str:
    return PasswordHasher(time_cost, memory_cost, parallel, length).hash(password)


def _user(row: UserRow) -> User:
    return User(name=row.name, role=row.role, display_name=row.display_name)


def _key(row: ApiKeyRow, scope: ApiKeyScopeRow | None) -> ApiKey:
    return ApiKey(
        id=row.id,
        user=row.user_name,
        label=row.label,
        created_at=row.created_at,
        revoked_at=row.revoked_at,
        origins=json.loads(scope.origins) if scope else [],
        rate_limit=scope.rate_limit if scope else None,
        expires_at=scope.expires_at if scope else None,
    )


def open_directory(settings: Settings, roles: Iterable[str]) -> UserDirectory:
    """The directory in aios' state database; ``roles`` are the policy file's."""
    return UserDirectory(open_database(settings, "state"), roles)
