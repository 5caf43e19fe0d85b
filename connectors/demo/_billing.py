"""Invoices for the generated orders, the payments against them, refunds and reminders.

Invoices follow the finance procedures in the knowledge base: issued when the order ships
(D-rated, prepayment-only accounts: when it is placed, and paid before it is confirmed), due
after net 30 (net 45 for platinum), void when the order was cancelled. Who pays follows the
collections timeline: an active account's invoice is either paid or less than 60 days overdue
(at 60 days an account goes on hold); accounts on hold owe everything due in their last five
months; churned accounts, and the quiet planted ones, settled long ago.
"""

from __future__ import annotations

from random import Random

from connectors.crm.models import Account, AccountStatus
from connectors.demo._dataset import Dataset, IdSequence
from connectors.demo._planted import QUIET_ACCOUNTS
from connectors.demo.company import CARD_LIMIT_CENTS, PAYMENT_METHODS
from connectors.erp.models import Invoice, InvoiceStatus, OrderStatus, Refund, SalesOrder
from connectors.erp.send_payment_reminder import Tone

PAID_AFTER_DUE = {"A": 0.95, "B": 0.9, "C": 0.75}
"""Chance an active account has paid an invoice past its due date, by credit rating."""
SETTLED_AFTER_DAYS = 50
"""Active accounts have paid every invoice more than this many days past due."""
ON_HOLD_OWES_DAYS = 150
"""Accounts on hold have paid nothing that fell due in this many days."""
PAID_EARLY = 0.35
PARTLY_PAID = 0.25
REFUND_COUNT = 10
REMINDER_COUNT = 4
REFUND_REASONS = (
    "Short shipment: two cases missing from the delivery",
    "Price correction: contract price was not applied",
    "Returned unopened goods",
    "Goodwill credit for a late delivery",
    "Wrong size delivered and returned",
)


def add_invoices(data: Dataset, rng: Random) -> None:
    ids = IdSequence("INV", 2001, [invoice.id for invoice in data.invoices])
    payments = IdSequence("PAY", 3001, [payment.id for payment in data.payments])
    invoiced = {invoice.order_id for invoice in data.invoices}
    void_raised = False
    for order in sorted(data.orders, key=lambda o: int(o.id.removeprefix("SO-"))):
        if order.id in invoiced:
            continue
        prepaid = data.account(order.account_id).credit_rating == "D"
        if order.status is OrderStatus.CANCELLED:
            if not void_raised or rng.random() < 0.5:
                data.add_invoice(ids.next(), order, order.ordered_at.date(), void=True)
                void_raised = True
        elif prepaid:
            _prepay(data, rng, payments, order, ids.next())
        elif order.shipped_at is not None:
            invoice = data.add_invoice(ids.next(), order, order.shipped_at.date())
            _pay(data, rng, payments, invoice)


def _prepay(
    data: Dataset, rng: Random, payments: IdSequence, order: SalesOrder, invoice_id: str
) -> None:
    """Invoiced when placed; paid at once unless the order still waits for the money."""
    invoice = data.add_invoice(invoice_id, order, order.ordered_at.date())
    if order.status is not OrderStatus.PENDING:
        method = _method(rng, invoice.amount_cents)
        paid_at = order.ordered_at.replace(hour=17, minute=30)
        data.add_payment(payments.next(), invoice, invoice.amount_cents, method, paid_at)


def _pay(data: Dataset, rng: Random, ids: IdSequence, invoice: Invoice) -> None:
    clock = data.clock
    paid, partly = _settles(rng, data.account(invoice.account_id), clock.days_ago(invoice.due_on))
    if not (paid or partly):
        return
    method = _method(rng, invoice.amount_cents)
    issued = clock.days_ago(invoice.issued_on)
    terms = (invoice.due_on - invoice.issued_on).days
    first = max(1, issued - rng.randint(3, terms + 15))
    if partly or rng.random() < 0.15:
        cents = round(invoice.amount_cents * rng.uniform(0.3, 0.7))
        data.add_payment(ids.next(), invoice, cents, method, clock.office_time(rng, first))
        if partly:
            return
        second = max(1, first - rng.randint(5, 20))
        rest = invoice.amount_cents - invoice.paid_cents
        data.add_payment(ids.next(), invoice, rest, method, clock.office_time(rng, second))
    else:
        cents = invoice.amount_cents
        data.add_payment(ids.next(), invoice, cents, method, clock.office_time(rng, first))


def _settles(rng: Random, account: Account, days_overdue: int) -> tuple[bool, bool]:
    """Whether an invoice is paid in full, or else in part, given how far past due it is."""
    if account.id in QUIET_ACCOUNTS or account.status is AccountStatus.CHURNED:
        return True, False
    if days_overdue <= 0:
        draw = rng.random()
        return draw < PAID_EARLY, PAID_EARLY <= draw < PAID_EARLY + 0.07
    if account.status is AccountStatus.ON_HOLD:
        return days_overdue > ON_HOLD_OWES_DAYS, False
    if days_overdue > SETTLED_AFTER_DAYS or rng.random() < PAID_AFTER_DUE[account.credit_rating]:
        return True, False
    return False, rng.random() < PARTLY_PAID


def _method(rng: Random, cents: int) -> str:
    """Cards are taken for invoices up to $10,000 only."""
    methods = [m for m in PAYMENT_METHODS if m != "card" or cents <= CARD_LIMIT_CENTS]
    return rng.choice(methods)


def add_refunds(data: Dataset, rng: Random) -> None:
    """Credit notes against a few paid invoices of delivered orders, after the last payment."""
    ids = IdSequence("CN", 4001, [refund.id for refund in data.refunds])
    last_paid: dict[str, int] = {}
    for payment in data.payments:
        days = data.clock.days_ago(payment.received_at)
        last_paid[payment.invoice_id] = min(days, last_paid.get(payment.invoice_id, days))
    eligible = [
        invoice
        for invoice in data.invoices
        if invoice.status is InvoiceStatus.PAID
        and invoice.account_id not in QUIET_ACCOUNTS
        and invoice.order_id is not None
        and data.order(invoice.order_id).delivered_at is not None
    ]
    chosen = rng.sample(eligible, min(REFUND_COUNT, len(eligible)))
    for invoice in sorted(chosen, key=lambda i: i.id):
        share = rng.choice((0.1, 0.15, 0.2, 0.25, 0.5))
        days = max(1, last_paid[invoice.id] - rng.randint(1, 15))
        data.refunds.append(
            Refund(
                id=ids.next(),
                invoice_id=invoice.id,
                order_id=invoice.order_id,
                account_id=invoice.account_id,
                amount_cents=max(1, round(invoice.paid_cents * share)),
                reason=rng.choice(REFUND_REASONS),
                created_at=data.clock.office_time(rng, days),
            )
        )


def add_reminders(data: Dataset, rng: Random) -> None:
    """Reminders for a few invoices at least two weeks overdue that have none yet."""
    reminded = {message.invoice_id for message in data.outbox}
    candidates = [
        invoice
        for invoice in data.invoices
        if invoice.status is InvoiceStatus.OVERDUE
        and invoice.account_id not in QUIET_ACCOUNTS
        and invoice.id not in reminded
        and data.clock.days_ago(invoice.due_on) >= 14
    ]
    chosen = rng.sample(candidates, min(REMINDER_COUNT, len(candidates)))
    for invoice in sorted(chosen, key=lambda i: i.id):
        sent = data.clock.office_time(rng, rng.randint(1, 7))
        late = (sent.date() - invoice.due_on).days
        data.add_reminder(invoice, sent, Tone.FIRM if late >= 30 else Tone.FRIENDLY)
