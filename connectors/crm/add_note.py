from __future__ import annotations

from pydantic import BaseModel, Field

from connectors._lookup import get_or_404
from connectors.crm.models import Account, Case, Note
from connectors.crm.views import NoteView
from connectors.errors import RuleViolation
from connectors.operation import ActingPerson, Kind, Risk, SystemContext, operation


class AddNoteInput(BaseModel):
    account_id: str = Field(description="The account the note is about, e.g. ACC-1001.")
    case_id: str | None = Field(None, description="Attach the note to this case, e.g. CS-1001.")
    author: ActingPerson = Field(
        min_length=1, max_length=100, description="Username writing the note."
    )
    body: str = Field(min_length=1, max_length=5000, description="The note's text.")


def _done(args: AddNoteInput, note: NoteView) -> str:
    on = f"case {args.case_id}" if args.case_id else f"account {args.account_id}"
    return f"Added a note to {on} (note {note.id})"


@operation("crm", Kind.WRITE, Risk.LOW, done=_done)
def add_note(ctx: SystemContext, args: AddNoteInput) -> NoteView:
    """Add a note to an account, optionally on one of its cases."""
    get_or_404(ctx.session, Account, args.account_id, "account")
    if args.case_id is not None:
        case = get_or_404(ctx.session, Case, args.case_id, "case")
        if case.account_id != args.account_id:
            raise RuleViolation(
                f"case {case.id} belongs to {case.account_id}, not {args.account_id}"
            )
    note = Note(**args.model_dump(), created_at=ctx.now)
    ctx.session.add(note)
    ctx.session.flush()
    return NoteView.model_validate(note)
