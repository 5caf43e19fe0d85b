"""The users and API keys tables in aios' state database."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel


class UserRow(SQLModel, table=True):
    __tablename__ = "users"

    name: str = Field(primary_key=True, max_length=64)
    role: str = Field(max_length=64)
    display_name: str = ""
    active: bool = True
    created_at: datetime
    # argon2id of the web chat password (salt and parameters inside); None: cannot sign in.
    password_hash: str | None = Field(default=None, max_length=255)
    # Set by ``aios demo seed`` for the demo operators' shared password, cleared by
    # ``aios users set-password``: a server reachable beyond this machine refuses to start
    # while any is set, unless told that this is a demo.
    demo_password: bool = False


class ApiKeyRow(SQLModel, table=True):
    __tablename__ = "api_keys"

    id: str = Field(primary_key=True, max_length=24)
    user_name: str = Field(foreign_key="users.name", index=True)
    # Only the SHA-256 of the key is kept: a stolen database holds no usable key. The key is
    # 256 random bits, so a plain hash is as strong as a slow one here.
    key_hash: str = Field(unique=True, max_length=64)
    label: str = ""
    created_at: datetime
    revoked_at: datetime | None = None


class ApiKeyScopeRow(SQLModel, table=True):
    """Where a key may be used from, how often and until when; a key without a row has no
    limit."""

    __tablename__ = "api_key_scopes"

    key_id: str = Field(primary_key=True, foreign_key="api_keys.id", max_length=24)
    # JSON list of origins (scheme://host[:port]) whose pages may use the key; empty: any.
    origins: str = "[]"
    rate_limit: str | None = Field(default=None, max_length=40)  # e.g. "60/minute"
    # A key made by signing in on a page ends by itself, should its sign-out never come.
    expires_at: datetime | None = None


class SignInFailureRow(SQLModel, table=True):
    """Failed web chat sign-ins of one user or from one client, for throttling. In the state
    database, so that every worker counts the same failures."""

    __tablename__ = "sign_in_failures"

    key: str = Field(primary_key=True, max_length=200)  # "user:alice" or "client:10.0.0.7"
    failures: int = 0
    last_failure_at: datetime
    locked_until: datetime | None = None


class ProviderIdentityRow(SQLModel, table=True):
    """Which user of the directory a person of the identity provider is: the provider's
    issuer and its subject (``sub``, unique and never reassigned within an issuer)."""

    __tablename__ = "provider_identities"

    issuer: str = Field(primary_key=True, max_length=255)
    subject: str = Field(primary_key=True, max_length=255)
    user_name: str = Field(foreign_key="users.name", index=True)
    linked_at: datetime
