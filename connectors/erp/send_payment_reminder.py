from __future__ import annotations

from datetime import timedelta
from enum import StrEnum

from pydantic import BaseModel, Field
from sqlmodel import col, select

from connectors._lookup import get_or_404
from connectors.erp._receivables import days_overdue
from connectors.erp.models import Customer, Invoice, InvoiceStatus, OutboxMessage
from connectors.erp.views import OutboxMessageView
from connectors.errors import RuleViolation
from connectors.money import from_cents
from connectors.operation import Kind, Risk, SystemContext, operation

REMINDER_SPACING = timedelta(days=7)


class Tone(StrEnum):
    FRIENDLY = "friendly"
    FIRM = "firm"


SUBJECTS = {
    Tone.FRIENDLY: "Friendly reminder: invoice {invoice} ({due} outstanding)",
    Tone.FIRM: "Overdue: invoice {invoice}, {due} is {days} days past due",
}
BODIES = {
    Tone.FRIENDLY: (
        "Dear {customer},\n\n"
        "Our records show that invoice {invoice}, due on {due_on}, still has {due} outstanding "
        "and is now {days} days overdue.\n\n"
        "If you have already paid, thank you, and please disregard this reminder. Otherwise we "
        "would be grateful if you could arrange payment at your earliest convenience.\n\n"
        "Kind regards,\nAccounts Receivable"
    ),
    Tone.FIRM: (
        "Dear {customer},\n\n"
        "Invoice {invoice} was due on {due_on}. {due} remains unpaid and the invoice is now "
        "{days} days overdue.\n\n"
        "Please pay the outstanding amount within 7 days. If you believe the balance is wrong, "
        "or you need to agree a payment plan, reply to this message.\n\n"
        "Accounts Receivable"
    ),
}


class SendPaymentReminderInput(BaseModel):
    invoice_id: str = Field(max_length=50, description="The overdue invoice, e.g. INV-2001.")
    tone: Tone = Field(
        Tone.FRIENDLY,
        title="Tone",
        description="friendly for a first nudge, firm for a repeated one.",
    )


def _done(args: SendPaymentReminderInput, message: OutboxMessageView) -> str:
    return f"Queued a {args.tone} payment reminder for invoice {args.invoice_id}"


@operation("erp", Kind.WRITE, Risk.LOW, done=_done)
def send_payment_reminder(ctx: SystemContext, args: SendPaymentReminderInput) -> OutboxMessageView:
    """Queue a payment reminder to the customer's billing email, naming the invoice, the amount
    due and how many days it is overdue.

    Refused when the invoice is void, has nothing left to pay or is not past due yet, and when
    a reminder for it went out less than 7 days ago.
    """
    session = ctx.session
    invoice = get_or_404(session, Invoice, args.invoice_id, "invoice")
    days = days_overdue(invoice, ctx.now.date())
    if invoice.status == InvoiceStatus.VOID:
        raise RuleViolation(f"invoice {invoice.id} is void; nothing is owed on it")
    if invoice.paid_cents >= invoice.amount_cents:
        raise RuleViolation(f"invoice {invoice.id} is paid in full; nothing to remind about")
    if days == 0:
        raise RuleViolation(
            f"invoice {invoice.id} is due on {invoice.due_on:%Y-%m-%d} and not overdue yet",
            due_on=invoice.due_on.isoformat(),
        )
    last = session.exec(
        select(OutboxMessage.created_at)
        .where(OutboxMessage.invoice_id == invoice.id)
        .order_by(col(OutboxMessage.created_at).desc())
        .limit(1)
    ).first()
    if last is not None and ctx.now - last < REMINDER_SPACING:
        next_allowed = last + REMINDER_SPACING
        raise RuleViolation(
            f"a reminder for {invoice.id} went out on {last:%Y-%m-%d %H:%M} UTC; reminders are "
            f"at least {REMINDER_SPACING.days} days apart, so the next may go from "
            f"{next_allowed:%Y-%m-%d %H:%M} UTC",
            last_sent_at=last.isoformat(),
            next_allowed_at=next_allowed.isoformat(),
        )
    customer = get_or_404(session, Customer, invoice.account_id, "customer")
    fields = {
        "customer": customer.name,
        "invoice": invoice.id,
        "due": f"{customer.currency} {from_cents(invoice.amount_cents - invoice.paid_cents):,}",
        "due_on": f"{invoice.due_on:%Y-%m-%d}",
        "days": days,
    }
    message = OutboxMessage(
        account_id=customer.account_id,
        invoice_id=invoice.id,
        to=customer.billing_email,
        subject=SUBJECTS[args.tone].format(**fields),
        body=BODIES[args.tone].format(**fields),
        created_at=ctx.now,
    )
    session.add(message)
    session.flush()
    return OutboxMessageView.model_validate(message)
