from __future__ import annotations

from pydantic import BaseModel, Field
from sqlmodel import col, select

from connectors._lookup import get_or_404
from connectors._match import contains
from connectors.crm.models import Account, Contact
from connectors.crm.views import ContactView
from connectors.operation import Kind, SystemContext, operation


class FindContactsInput(BaseModel):
    contact_id: str | None = Field(None, max_length=50, description="One contact, e.g. CON-1001.")
    account_id: str | None = Field(
        None, max_length=50, description="Only contacts of this account, e.g. ACC-1001."
    )
    name: str | None = Field(
        None, max_length=200, description="Part of the contact's name, case-insensitive."
    )
    email: str | None = Field(
        None,
        max_length=254,
        description="Part of the email address, case-insensitive (a whole address or a domain).",
    )
    limit: int = Field(20, ge=1, le=200, description="Most contacts to return.")


class FindContactsOutput(BaseModel):
    contacts: list[ContactView]


@operation("crm", Kind.READ)
def find_contacts(ctx: SystemContext, args: FindContactsInput) -> FindContactsOutput:
    """Find contacts by id, account, name or email; filters combine. Sorted by account, then name.

    Refused (not found) when account_id names no account.
    """
    query = select(Contact)
    if args.contact_id:
        query = query.where(Contact.id == args.contact_id)
    if args.account_id:
        get_or_404(ctx.session, Account, args.account_id, "account")
        query = query.where(Contact.account_id == args.account_id)
    if args.name:
        query = query.where(contains(col(Contact.name), args.name))
    if args.email:
        query = query.where(contains(col(Contact.email), args.email))
    rows = ctx.session.exec(
        query.order_by(Contact.account_id, Contact.name).limit(args.limit)
    ).all()
    return FindContactsOutput(contacts=[ContactView.model_validate(r) for r in rows])
