from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from connectors._lookup import get_or_404
from connectors.crm._notes import DEFAULT_AUTHOR, record_note
from connectors.crm.models import Case, CaseStatus
from connectors.crm.views import CaseChange, CaseView, NoteView
from connectors.errors import RuleViolation
from connectors.operation import ActingPerson, Kind, Risk, SystemContext, operation

# Who handles a case at each escalation level; the last is the ceiling.
LEVELS = ("agent", "senior_agent", "manager")
FINISHED = frozenset({CaseStatus.RESOLVED, CaseStatus.CLOSED})


class EscalateCaseInput(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)

    case_id: str = Field(max_length=50, description="The case to escalate, e.g. CS-1001.")
    reason: str = Field(
        min_length=3, max_length=2000, description="Why it needs a more senior person."
    )
    author: ActingPerson = Field(
        DEFAULT_AUTHOR, min_length=1, max_length=100, description="Username escalating it."
    )


class EscalateCaseOutput(CaseChange):
    escalated_to: str = Field(description="Who handles the case now: senior_agent or manager.")


def _done(args: EscalateCaseInput, change: EscalateCaseOutput) -> str:
    return f"Escalated case {change.case.id} to a {change.escalated_to.replace('_', ' ')}"


@operation("crm", Kind.WRITE, Risk.LOW, done=_done)
def escalate_case(ctx: SystemContext, args: EscalateCaseInput) -> EscalateCaseOutput:
    """Escalate a case one level (agent → senior_agent → manager) and note the reason on it.

    The case's status becomes escalated. Refused when the case is resolved or closed, or
    already with a manager (level 2, the highest).
    """
    case = get_or_404(ctx.session, Case, args.case_id, "case")
    if case.status in FINISHED:
        raise RuleViolation(
            f"case {case.id} is {case.status.value}; open a new case instead of escalating it",
            status=case.status.value,
        )
    ceiling = len(LEVELS) - 1
    if case.escalation_level >= ceiling:
        raise RuleViolation(
            f"case {case.id} is already escalated to a {LEVELS[ceiling]}, the highest level",
            escalation_level=case.escalation_level,
        )
    case.escalation_level += 1
    case.status = CaseStatus.ESCALATED
    escalated_to = LEVELS[case.escalation_level]
    note = record_note(
        ctx,
        case.account_id,
        f"Escalated to {escalated_to} (level {case.escalation_level}): {args.reason}",
        args.author,
        case_id=case.id,
    )
    return EscalateCaseOutput(
        case=CaseView.model_validate(case),
        note=NoteView.model_validate(note),
        escalated_to=escalated_to,
    )
