"""A page's sign-in: user name and password in, a short-lived API key out; sign-out revokes it.

A page that speaks to the HTTP API (the voice page) signs a person in the way the web chat
does: the same password check and the same throttle (``SignIns``). What it gets is an API key
of its own, labelled "<channel> sign-in", that ends by itself after ``lifetime`` should the
sign-out never come. Every sign-in, failed sign-in and sign-out is on the audit trail.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from aios.audit import AuditTrail, AuditUnavailable
from aios.identity import User
from aios.users.directory import ApiKey, UserDirectory
from aios.users.sign_in import SignIns
from aios.users.sign_in_trail import SignInTrail


@dataclass(frozen=True)
class SignedIn:
    user: User
    key: ApiKey
    token: str
    """The key itself, handed to the page once; only its hash is stored."""


class SignInRefused(Exception):
    """Wrong user name or password; with ``locked_for``, too many failures: for that long, not
    even the right password is taken."""

    def __init__(self, locked_for: timedelta | None) -> None:
        super().__init__("Wrong user name or password.")
        self.locked_for = locked_for


class NotASignInKey(Exception):
    """Sign-out with a key no sign-in made: an admin's key is revoked by the admin."""


class PageSignIn:
    def __init__(
        self,
        directory: UserDirectory,
        trail: AuditTrail,
        lifetime: timedelta,
        channel: str,
    ) -> None:
        self.directory = directory
        self.lifetime = lifetime
        # Every key this sign-in makes is labelled so: sign-out revokes those and no other.
        self.label = f"{channel} sign-in"
        self.sign_ins = SignIns(directory)
        self.entries = SignInTrail(trail, channel)

    def sign_in(self, typed_name: str, password: str, client: str | None) -> SignedIn:
        """A new short-lived key for the user whose password this is; SignInRefused if it is
        not, or the user or ``client`` is locked out (nothing is checked then)."""
        attempt = self.sign_ins.attempt(typed_name, password, client)
        if attempt.user is None:
            self.entries.failed(typed_name, client, attempt.locked_until)
            until = attempt.locked_until
            raise SignInRefused(until - self.sign_ins.clock() if until is not None else None)
        user = attempt.user
        key, token = self.directory.add_key(user.name, self.label, lifetime=self.lifetime)
        try:
            self.entries.signed_in(user, key.id, client, key_id=key.id, expires_at=key.expires_at)
        except AuditUnavailable:
            # Nobody may hold a key whose making the trail does not show.
            self.directory.revoke_key(key.id)
            raise
        return SignedIn(user, key, token)

    def sign_out(self, key: ApiKey, user: User, client: str | None) -> None:
        """Revoke ``key``, which a sign-in made; NotASignInKey for any other key."""
        if key.label != self.label:
            raise NotASignInKey(key.id)
        self.directory.revoke_key(key.id)
        self.entries.signed_out(user.name, key.id, client, key_id=key.id)
