from __future__ import annotations

from pydantic import BaseModel, Field
from sqlmodel import col, select

from connectors._match import contains, equals_ignoring_case
from connectors.crm.models import Account, AccountStatus, Tier
from connectors.crm.views import AccountView
from connectors.operation import Kind, SystemContext, operation


class FindAccountsInput(BaseModel):
    name: str | None = Field(
        None, max_length=200, description="Part of the account name, case-insensitive."
    )
    tier: Tier | None = Field(None, description="Only accounts of this tier.")
    region: str | None = Field(None, max_length=50, description="Only accounts in this region.")
    status: AccountStatus | None = Field(None, description="Only accounts with this status.")
    owner: str | None = Field(None, max_length=100, description="Account manager's username.")
    limit: int = Field(20, ge=1, le=200, description="Most accounts to return.")


class FindAccountsOutput(BaseModel):
    accounts: list[AccountView]


@operation("crm", Kind.READ)
def find_accounts(ctx: SystemContext, args: FindAccountsInput) -> FindAccountsOutput:
    """Find customer accounts by name, tier, region, status or owner."""
    query = select(Account)
    if args.name:
        query = query.where(contains(col(Account.name), args.name))
    if args.tier:
        query = query.where(Account.tier == args.tier)
    if args.region:
        query = query.where(equals_ignoring_case(col(Account.region), args.region))
    if args.status:
        query = query.where(Account.status == args.status)
    if args.owner:
        query = query.where(Account.owner == args.owner)
    rows = ctx.session.exec(query.order_by(Account.name).limit(args.limit)).all()
    return FindAccountsOutput(accounts=[AccountView.model_validate(r) for r in rows])
