from __future__ import annotations

from pydantic import BaseModel, Field
from sqlmodel import col, select

from connectors._lookup import get_or_404
from connectors.crm.models import OPEN_CASE_STATUSES, Account, Case, Contact, Note
from connectors.crm.views import AccountDetail, AccountView, CaseView, ContactView, NoteView
from connectors.operation import Kind, SystemContext, operation

RECENT_NOTES = 5


class GetAccountInput(BaseModel):
    account_id: str = Field(max_length=50, description="The account, e.g. ACC-1001.")


@operation("crm", Kind.READ)
def get_account(ctx: SystemContext, args: GetAccountInput) -> AccountDetail:
    """One account in full: its record, its contacts, its open cases and its 5 latest notes.

    Open cases are those new, open, pending or escalated. Billing and credit live in the ERP
    (erp.get_customer, same account id).
    """
    session = ctx.session
    account = get_or_404(session, Account, args.account_id, "account")
    contacts = session.exec(
        select(Contact)
        .where(Contact.account_id == account.id)
        .order_by(col(Contact.is_primary).desc(), Contact.name)
    ).all()
    cases = session.exec(
        select(Case)
        .where(Case.account_id == account.id, col(Case.status).in_(OPEN_CASE_STATUSES))
        .order_by(col(Case.sla_due_at))
    ).all()
    notes = session.exec(
        select(Note)
        .where(Note.account_id == account.id)
        .order_by(col(Note.created_at).desc(), col(Note.id).desc())
        .limit(RECENT_NOTES)
    ).all()
    return AccountDetail(
        account=AccountView.model_validate(account),
        contacts=[ContactView.model_validate(c) for c in contacts],
        open_cases=[CaseView.model_validate(c) for c in cases],
        recent_notes=[NoteView.model_validate(n) for n in notes],
    )
