"""What makes an invoice unpaid or overdue, said once for queries and once for a loaded row.

Overdue is decided from the balance and the due date, never from the stored status: the
ERP's batch that flips ``open`` to ``overdue`` lags, so some past-due invoices still say open.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import ColumnElement, and_
from sqlmodel import col

from connectors.erp.models import Invoice, InvoiceStatus


def unpaid() -> ColumnElement[bool]:
    """A query condition: the invoice is not void and has a balance left to pay."""
    return and_(
        col(Invoice.status) != InvoiceStatus.VOID,
        col(Invoice.amount_cents) > col(Invoice.paid_cents),
    )


def overdue(today: date) -> ColumnElement[bool]:
    """A query condition: unpaid and due before ``today``."""
    return and_(unpaid(), col(Invoice.due_on) < today)


def days_overdue(invoice: Invoice, today: date) -> int:
    """Days ``invoice`` is past due on ``today``; 0 when not yet due, paid off or void."""
    if invoice.status == InvoiceStatus.VOID or invoice.amount_cents <= invoice.paid_cents:
        return 0
    return max((today - invoice.due_on).days, 0)
