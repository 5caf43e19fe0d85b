from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from connectors._lookup import get_or_404
from connectors.crm._notes import DEFAULT_AUTHOR, record_note
from connectors.crm.models import Account, AccountStatus
from connectors.crm.views import AccountView, NoteView
from connectors.errors import RuleViolation
from connectors.operation import ActingPerson, Kind, Risk, SystemContext, operation


class SetAccountStatusInput(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)

    account_id: str = Field(max_length=50, description="The account, e.g. ACC-1001.")
    status: AccountStatus = Field(description="The new status.")
    reason: str = Field(
        min_length=3, max_length=2000, description="Why the status changes; kept as a note."
    )
    author: ActingPerson = Field(
        DEFAULT_AUTHOR, min_length=1, max_length=100, description="Username making the change."
    )


class SetAccountStatusOutput(BaseModel):
    account: AccountView
    previous_status: AccountStatus
    note: NoteView


def _done(args: SetAccountStatusInput, change: SetAccountStatusOutput) -> str:
    account = change.account
    return f"Set account {account.id} to {account.status} (was {change.previous_status})"


@operation("crm", Kind.WRITE, Risk.MEDIUM, done=_done)
def set_account_status(ctx: SystemContext, args: SetAccountStatusInput) -> SetAccountStatusOutput:
    """Change an account's status (active, prospect, on_hold, churned) and note the reason.

    Refused when the account already has that status. A churned account gets no new cases.
    """
    account = get_or_404(ctx.session, Account, args.account_id, "account")
    previous = account.status
    if previous == args.status:
        raise RuleViolation(
            f"account {account.id} is already {previous.value}; nothing to change",
            status=previous.value,
        )
    account.status = args.status
    note = record_note(
        ctx,
        account.id,
        f"Status changed from {previous.value} to {args.status.value}: {args.reason}",
        args.author,
    )
    return SetAccountStatusOutput(
        account=AccountView.model_validate(account),
        previous_status=previous,
        note=NoteView.model_validate(note),
    )
