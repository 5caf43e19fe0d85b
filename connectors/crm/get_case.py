from __future__ import annotations

from pydantic import BaseModel, Field
from sqlmodel import col, select

from connectors._lookup import get_or_404
from connectors.crm.models import Case, Note
from connectors.crm.views import CaseDetail
from connectors.operation import Kind, SystemContext, operation


class GetCaseInput(BaseModel):
    case_id: str = Field(max_length=50, description="The case, e.g. CS-1001.")


@operation("crm", Kind.READ)
def get_case(ctx: SystemContext, args: GetCaseInput) -> CaseDetail:
    """One support case in full: its record, its description and all its notes, oldest first."""
    case = get_or_404(ctx.session, Case, args.case_id, "case")
    notes = ctx.session.exec(
        select(Note).where(Note.case_id == case.id).order_by(col(Note.created_at), col(Note.id))
    ).all()
    return CaseDetail.of(case, notes)
