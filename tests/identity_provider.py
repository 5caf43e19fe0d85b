"""A real OpenID Connect provider on loopback for the sign-in tests: nanoidp (a test identity
provider that implements the protocols: discovery, JWKS, signed tokens, key rotation) in its
own process, configured on a temporary directory, with people added and moved between
groups through its admin API as a company's IT would in theirs."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from aios.loopback import free_port
from tests.serving import serving

AUDIENCE = "aios-api"
CLIENT, SECRET = "aios-tests", "aios-tests-secret"
STARTUP_S = 60
PASSWORD = "correct horse battery"

_SETTINGS = """\
config_version: 1
server:
  host: "127.0.0.1"
  port: {port}
oauth:
  issuer: "{issuer}"
  # A token asked for through another host name (localhost) names that host as its issuer,
  # signed with the same key: how the tests get a well-signed token of the wrong issuer.
  issuer_from_request: true
  audience: "{audience}"
  token_expiry_minutes: 30
  clients:
    - client_id: "{client}"
      client_secret: "{secret}"
      description: "aios tests"
jwt:
  keys_dir: "./keys"
  # One earlier key stays published after a rotation, as providers do for a while.
  max_previous_keys: 1
"""
_USERS = """\
config_version: 1
users: {}
"""


@dataclass(frozen=True)
class IdentityProvider:
    issuer: str
    port: int

    def add_person(self, name: str, groups: list[str]) -> None:
        """A person of the company, in ``groups``, with the tests' password."""
        created = httpx.post(
            f"{self.issuer}/api/runtime/users",
            json={"username": name, "password": PASSWORD, "groups": groups, "email": f"{name}@x"},
        )
        assert created.status_code in (200, 201), created.text

    def move(self, name: str, groups: list[str]) -> None:
        """``name`` now in ``groups`` only (the provider keeps their subject)."""
        gone = httpx.delete(f"{self.issuer}/api/runtime/users/{name}")
        assert gone.status_code in (200, 204), gone.text
        self.add_person(name, groups)

    def token(self, name: str, *, host: str = "127.0.0.1", resource: str | None = None) -> str:
        """An access token for ``name`` by the password grant, asked for at ``host``; with
        ``resource`` (RFC 8707), one for that other API instead of aios."""
        form = {"grant_type": "password", "username": name, "password": PASSWORD}
        answer = httpx.post(
            f"http://{host}:{self.port}/token",
            auth=(CLIENT, SECRET),
            data=form | ({"resource": resource} if resource else {}),
        )
        assert answer.status_code == 200, answer.text
        token: str = answer.json()["access_token"]
        return token

    def expired_token(self, name: str) -> str:
        """A token the provider signed for ``name`` that expired five minutes ago."""
        answer = httpx.post(f"{self.issuer}/api/users/{name}/token", json={"exp_minutes": -5})
        assert answer.status_code == 200, answer.text
        token: str = answer.json()["access_token"]
        return token

    def rotate_keys(self) -> str:
        """A new signing key; the one before stays published, the one before that goes."""
        rotated = httpx.post(f"{self.issuer}/api/keys/rotate")
        assert rotated.status_code == 200, rotated.text
        kid: str = rotated.json()["new_kid"]
        return kid

    def jwks(self) -> dict[str, Any]:
        keys: dict[str, Any] = httpx.get(f"{self.issuer}/.well-known/jwks.json").json()
        return keys


@contextmanager
def running_provider(config: Path) -> Iterator[IdentityProvider]:
    """nanoidp serving on a free loopback port until the block ends."""
    port = free_port()
    issuer = f"http://127.0.0.1:{port}"
    config.mkdir(parents=True)
    (config / "settings.yaml").write_text(
        _SETTINGS.format(port=port, issuer=issuer, audience=AUDIENCE, client=CLIENT, secret=SECRET)
    )
    (config / "users.yaml").write_text(_USERS)
    argv = [sys.executable, "-m", "nanoidp", "--config", str(config), "--port", str(port)]
    ready = f"{issuer}/.well-known/openid-configuration"
    with serving(
        argv, config / "nanoidp.log", ready, name="nanoidp", startup_s=STARTUP_S, cwd=config
    ):
        yield IdentityProvider(issuer, port)
