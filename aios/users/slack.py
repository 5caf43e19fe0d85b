"""Which aios user a Slack account stands for: an explicit link an admin makes
(``aios users link-slack``), so nobody acts in aios by choosing a Slack display name or email."""

from __future__ import annotations

import re
from datetime import datetime

from sqlmodel import Field, Session, SQLModel

from aios.identity import User
from aios.users.directory import UserDirectory

_SLACK_ID = re.compile(r"^[UW][A-Z0-9]{2,31}$")


class SlackLinkRow(SQLModel, table=True):
    __tablename__ = "slack_links"

    # Slack user ids are unique across an Enterprise Grid, so the id alone names the person.
    slack_user: str = Field(primary_key=True, max_length=32)
    user_name: str = Field(foreign_key="users.name", index=True)
    created_at: datetime


class SlackLinks:
    """Slack user ids linked to users of ``directory``; a deactivated user's link stops working."""

    def __init__(self, directory: UserDirectory) -> None:
        self.directory = directory

    def link(self, slack_user: str, name: str) -> User:
        """Link ``slack_user`` (U…/W…) to the active user ``name``, replacing an earlier link."""
        if not _SLACK_ID.match(slack_user):
            raise ValueError(f"invalid Slack user id {slack_user!r}: it looks like U0123ABCD")
        user = self.directory.get(name)
        if user is None:
            raise KeyError(f"unknown user {name!r}")
        with Session(self.directory.engine) as session:
            row = session.get(SlackLinkRow, slack_user) or SlackLinkRow(
                slack_user=slack_user, user_name=user.name, created_at=self.directory.clock()
            )
            row.user_name = user.name
            session.add(row)
            session.commit()
        return user

    def unlink(self, slack_user: str) -> None:
        with Session(self.directory.engine) as session:
            row = session.get(SlackLinkRow, slack_user)
            if row is None:
                raise KeyError(f"{slack_user} is not linked")
            session.delete(row)
            session.commit()

    def user(self, slack_user: str) -> User | None:
        """The active aios user ``slack_user`` is linked to, or None."""
        with Session(self.directory.engine) as session:
            row = session.get(SlackLinkRow, slack_user)
            name = row.user_name if row is not None else None
        return self.directory.get(name) if name is not None else None
