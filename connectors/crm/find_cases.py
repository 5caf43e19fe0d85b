from __future__ import annotations

from pydantic import BaseModel, Field, model_validator
from sqlmodel import col, select

from connectors._lookup import get_or_404
from connectors.crm.models import OPEN_CASE_STATUSES, Account, Case, CaseStatus, Priority
from connectors.crm.sla import sla_breached
from connectors.crm.views import CaseView
from connectors.operation import Kind, SystemContext, operation


class FindCasesInput(BaseModel):
    account_id: str | None = Field(
        None, max_length=50, description="Only cases of this account, e.g. ACC-1001."
    )
    status: CaseStatus | None = Field(None, description="Only cases with this status.")
    open_only: bool = Field(
        False, description="Only cases still open: new, open, pending or escalated."
    )
    priority: Priority | None = Field(None, description="Only cases of this priority.")
    owner: str | None = Field(None, max_length=100, description="Only cases this user owns.")
    sla_breached: bool = Field(
        False, description="Only open cases whose SLA deadline has already passed."
    )
    limit: int = Field(20, ge=1, le=200, description="Most cases to return.")

    @model_validator(mode="after")
    def _status_can_be_open(self) -> FindCasesInput:
        wants_open = self.open_only or self.sla_breached
        if wants_open and self.status is not None and self.status not in OPEN_CASE_STATUSES:
            raise ValueError(
                f"status {self.status.value} is not an open status, so no case can match it "
                "together with open_only or sla_breached; drop one of them"
            )
        return self


class FindCasesOutput(BaseModel):
    cases: list[CaseView]


@operation("crm", Kind.READ)
def find_cases(ctx: SystemContext, args: FindCasesInput) -> FindCasesOutput:
    """Find support cases; filters combine. Sorted by SLA deadline, soonest (or most late) first.

    sla_breached finds open cases past their deadline as of now. Refused (not found) when
    account_id names no account; invalid when a closed status is asked for with open_only or
    sla_breached.
    """
    query = select(Case)
    if args.account_id:
        get_or_404(ctx.session, Account, args.account_id, "account")
        query = query.where(Case.account_id == args.account_id)
    if args.status:
        query = query.where(Case.status == args.status)
    if args.open_only:
        query = query.where(col(Case.status).in_(OPEN_CASE_STATUSES))
    if args.priority:
        query = query.where(Case.priority == args.priority)
    if args.owner:
        query = query.where(Case.owner == args.owner)
    if args.sla_breached:
        query = query.where(sla_breached(ctx.now))
    rows = ctx.session.exec(query.order_by(col(Case.sla_due_at), Case.id).limit(args.limit)).all()
    return FindCasesOutput(cases=[CaseView.model_validate(r) for r in rows])
