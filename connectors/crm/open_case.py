from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from connectors._ids import next_id
from connectors._lookup import get_or_404
from connectors.crm.models import Account, AccountStatus, Case, CaseStatus, Priority
from connectors.crm.sla import sla_due_at
from connectors.crm.views import CaseView
from connectors.errors import RuleViolation
from connectors.operation import Kind, Risk, SystemContext, operation
from connectors.record_kinds import kind_named


class OpenCaseInput(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)

    account_id: str = Field(
        max_length=50, description="The account the case is for, e.g. ACC-1001."
    )
    subject: str = Field(min_length=3, max_length=200, description="A one-line summary.")
    description: str = Field(
        min_length=3, max_length=5000, description="What the customer reports, in full."
    )
    priority: Priority = Field(description="How urgent; with the account's tier it sets the SLA.")
    owner: str = Field(min_length=1, max_length=100, description="Username who handles the case.")
    order_id: str | None = Field(
        None, max_length=50, description="The ERP order the case is about, e.g. SO-1042."
    )


def _done(args: OpenCaseInput, case: CaseView) -> str:
    return f"Opened case {case.id} for account {case.account_id}"


@operation("crm", Kind.WRITE, Risk.LOW, done=_done)
def open_case(ctx: SystemContext, args: OpenCaseInput) -> CaseView:
    """Open a support case for an account; it gets the next CS- number and status open.

    Its SLA deadline is now plus the hours for the account's tier and the priority (platinum
    urgent 4h up to bronze low 168h). Refused for a churned account.
    """
    session = ctx.session
    account = get_or_404(session, Account, args.account_id, "account")
    if account.status == AccountStatus.CHURNED:
        raise RuleViolation(
            f"account {account.id} has churned; reactivate it before opening a case",
            status=account.status.value,
        )
    case = Case(
        id=next_id(session, Case.id, kind_named("case")),
        **args.model_dump(),
        status=CaseStatus.OPEN,
        created_at=ctx.now,
        sla_due_at=sla_due_at(account.tier, args.priority, ctx.now),
    )
    session.add(case)
    session.flush()
    return CaseView.model_validate(case)
