"""A person of the identity provider as a user of the directory: the same ``User`` every other
channel hands down, so policies, masking, approvals and the audit trail need nothing new.

The provider's issuer and subject are linked to a directory user the first time the person
signs in: the user named by the token's username claim, made if missing. From then on the
link, not the name, says who it is. The role comes from the groups at every request (see
``GroupRoles``); a person whose groups give no role is refused before anything is written.
A user an admin deactivated stays out, whatever the provider says.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections import OrderedDict
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from aios.audit import AuditTrail
from aios.identity import User
from aios.users.directory import UserDirectory
from aios.users.oidc.groups import GroupRoles, groups_in
from aios.users.sign_in import username_of
from aios.users.sign_in_trail import SignInTrail
from aios.users.tables import ProviderIdentityRow, UserRow

log = logging.getLogger(__name__)

_REMEMBERED = 10_000
"""Tokens whose sign-in is on the audit trail, remembered so that each is recorded once."""


class NotLetIn(Exception):
    """A valid token whose person aios does not let in; the message says why."""


class ProviderUsers:
    def __init__(
        self, directory: UserDirectory, roles: GroupRoles, trail: AuditTrail, channel: str
    ) -> None:
        self.directory = directory
        self.roles = roles
        self.entries = SignInTrail(trail, channel)
        self.session = f"{channel}-sign-in"
        self._recorded: OrderedDict[str, None] = OrderedDict()
        self._lock = threading.Lock()

    def user_for(self, claims: dict[str, Any], token: str, client: str | None) -> User:
        """The directory user the verified ``claims`` stand for, with the role their groups
        give now; NoRole or NotLetIn (nothing written) when they are not let in."""
        issuer, subject = str(claims["iss"]), str(claims["sub"])
        role = self.roles.role_for(claims)
        with Session(self.directory.engine) as session:
            link = session.get(ProviderIdentityRow, (issuer, subject))
            name = link.user_name if link is not None else self._new_name(session, claims)
            row = session.get(UserRow, name)
        if row is not None and not row.active:
            raise NotLetIn(f"The aios user {name} is deactivated; ask an admin.")
        shown = str(claims.get("name") or (row.display_name if row is not None else ""))
        if row is None or row.role != role or row.display_name != shown:
            self.directory.add(name, role, shown)
        if link is None:
            self._link(issuer, subject, name)
        user = User(name=name, role=role, display_name=shown)
        self._record_once(user, claims, token, client)
        return user

    def _new_name(self, session: Session, claims: dict[str, Any]) -> str:
        claim = self.roles.current().username_claim
        typed = claims.get(claim)
        name = username_of(typed) if isinstance(typed, str) else ""
        if not self.directory.valid_name(name):
            raise NotLetIn(
                f"The token's {claim!r} claim ({typed!r}) does not make an aios user name "
                "(lower-case letters, digits, . _ -)."
            )
        taken = session.exec(
            select(ProviderIdentityRow).where(ProviderIdentityRow.user_name == name)
        ).first()
        if taken is not None:
            raise NotLetIn(
                f"The aios user {name} is another person of {taken.issuer}; ask an admin."
            )
        return name

    def _link(self, issuer: str, subject: str, name: str) -> None:
        with Session(self.directory.engine) as session:
            session.add(
                ProviderIdentityRow(
                    issuer=issuer,
                    subject=subject,
                    user_name=name,
                    linked_at=self.directory.clock(),
                )
            )
            try:
                session.commit()
            except IntegrityError:
                return  # the same person's first two requests at once: the other linked it
        log.info("linked %s of %s to the aios user %s", subject, issuer, name)

    def _record_once(
        self, user: User, claims: dict[str, Any], token: str, client: str | None
    ) -> None:
        """A token's first use is its sign-in, on the audit trail with the person's issuer,
        subject and groups; its later requests are the person's own records."""
        seen = str(claims.get("jti") or hashlib.sha256(token.encode()).hexdigest())
        with self._lock:
            if seen in self._recorded:
                return
            self._recorded[seen] = None
            if len(self._recorded) > _REMEMBERED:
                self._recorded.popitem(last=False)
        groups = groups_in(claims, self.roles.current().groups_claim)
        self.entries.signed_in(
            user,
            self.session,
            client,
            issuer=claims["iss"],
            subject=claims["sub"],
            groups=groups,
        )
