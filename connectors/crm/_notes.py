"""Recording a note as part of another change, so the reason for it stays on the account."""

from __future__ import annotations

from connectors.crm.models import Note
from connectors.operation import SystemContext

DEFAULT_AUTHOR = "aios"


def record_note(
    ctx: SystemContext, account_id: str, body: str, author: str, case_id: str | None = None
) -> Note:
    note = Note(
        account_id=account_id, case_id=case_id, author=author, body=body, created_at=ctx.now
    )
    ctx.session.add(note)
    ctx.session.flush()
    return note
