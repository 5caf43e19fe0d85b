from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from connectors._lookup import get_or_404
from connectors.crm._notes import DEFAULT_AUTHOR, record_note
from connectors.crm.models import Case, CaseStatus
from connectors.crm.views import CaseChange, CaseView, NoteView
from connectors.errors import RuleViolation
from connectors.operation import ActingPerson, Kind, Risk, SystemContext, operation


class CloseCaseInput(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)

    case_id: str = Field(max_length=50, description="The case to close, e.g. CS-1001.")
    resolution: str = Field(
        min_length=10,
        max_length=2000,
        description="How the case was resolved, at least 10 characters; kept as a note.",
    )
    author: ActingPerson = Field(
        DEFAULT_AUTHOR, min_length=1, max_length=100, description="Username closing it."
    )


def _done(args: CloseCaseInput, change: CaseChange) -> str:
    return f"Closed case {change.case.id}"


@operation("crm", Kind.WRITE, Risk.LOW, done=_done)
def close_case(ctx: SystemContext, args: CloseCaseInput) -> CaseChange:
    """Close a case (open, escalated or resolved) and record its resolution as a note.

    Refused when the case is already closed.
    """
    case = get_or_404(ctx.session, Case, args.case_id, "case")
    if case.status == CaseStatus.CLOSED:
        raise RuleViolation(
            f"case {case.id} was already closed on {case.closed_at:%Y-%m-%d %H:%M}"
            if case.closed_at
            else f"case {case.id} is already closed",
            status=case.status.value,
        )
    case.status = CaseStatus.CLOSED
    case.closed_at = ctx.now
    note = record_note(
        ctx, case.account_id, f"Closed: {args.resolution}", args.author, case_id=case.id
    )
    return CaseChange(case=CaseView.model_validate(case), note=NoteView.model_validate(note))
