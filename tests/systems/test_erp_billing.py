"""ERP billing: finding invoices (overdue whatever the stored status), refunds, reminders."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from sqlmodel import select

from connectors.erp.models import Invoice, OutboxMessage, Refund
from connectors.errors import InvalidInput, NotFound, RuleViolation
from connectors.system import System


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        # INV-2001 is still marked open, INV-2006 is void, INV-2002 paid, INV-2004/2005 not due
        ({"overdue": True}, ["INV-2001", "INV-2008", "INV-2003"]),
        ({"overdue": True, "account_id": "ACC-1001"}, ["INV-2001", "INV-2003"]),
        ({"status": "overdue"}, ["INV-2003", "INV-2008"]),
        ({"status": "open"}, ["INV-2004", "INV-2005", "INV-2001"]),
        ({"due_from": "2026-03-01", "due_to": "2026-03-31"}, ["INV-2005", "INV-2003"]),
        ({"overdue": True, "due_from": "2026-02-10"}, ["INV-2008", "INV-2003"]),
        ({"account_id": "ACC-1002"}, ["INV-2008"]),
        ({"limit": 2}, ["INV-2004", "INV-2005"]),
    ],
)
def test_find_invoices_filters(
    erp: System, filters: dict[str, object], expected: list[str]
) -> None:
    found = erp.execute("find_invoices", filters)
    assert [i.id for i in found.invoices] == expected


def test_unpaid_invoices_are_every_balance_left_whatever_the_status(erp: System) -> None:
    found = erp.execute("find_invoices", {"unpaid": True, "account_id": "ACC-1001"})
    # Open, overdue and past-due-but-marked-open alike; never the paid or the void one.
    assert sorted(i.id for i in found.invoices) == ["INV-2001", "INV-2003", "INV-2004", "INV-2005"]


def test_find_invoices_says_how_many_days_each_is_overdue(erp: System) -> None:
    found = erp.execute("find_invoices", {"account_id": "ACC-1001", "limit": 200})

    days = {i.id: i.days_overdue for i in found.invoices}
    assert days == {
        "INV-2001": 34,  # due 2026-02-09
        "INV-2002": 0,  # paid
        "INV-2003": 14,
        "INV-2004": 0,  # not due yet
        "INV-2005": 0,
        "INV-2006": 0,  # void
    }


def test_find_invoices_refuses_a_reversed_range_and_unknown_customer(erp: System) -> None:
    with pytest.raises(InvalidInput):
        erp.execute("find_invoices", {"due_from": "2026-03-31", "due_to": "2026-03-01"})
    with pytest.raises(NotFound):
        erp.execute("find_invoices", {"account_id": "ACC-9999"})


def test_get_invoice_has_payments_refunds_and_what_is_refundable(erp: System) -> None:
    found = erp.execute("get_invoice", {"invoice_id": "INV-2001"})

    invoice = found.invoice
    assert (invoice.amount, invoice.paid, invoice.balance) == (
        Decimal("3000.00"),
        Decimal("2000.00"),
        Decimal("1000.00"),
    )
    assert invoice.days_overdue == 34
    assert [(p.id, p.amount) for p in found.payments] == [("PAY-3001", Decimal("2000.00"))]
    assert [(r.id, r.amount) for r in found.refunds] == [("CN-4001", Decimal("300.00"))]
    assert found.refundable == Decimal("1700.00")
    with pytest.raises(NotFound, match="no invoice 'INV-9'"):
        erp.execute("get_invoice", {"invoice_id": "INV-9"})


def _refund(erp: System, invoice_id: str, amount: str, key: str = "ref") -> object:
    args = {"invoice_id": invoice_id, "amount": amount, "reason": "Damaged goods"}
    return erp.execute("create_refund", args, idempotency_key=key)


def _refunds(erp: System, invoice_id: str) -> list[int]:
    with erp.session() as session:
        rows = session.exec(select(Refund.amount_cents).where(Refund.invoice_id == invoice_id))
        return list(rows.all())


def test_create_refund_up_to_paid_minus_earlier_refunds(erp: System) -> None:
    refund = _refund(erp, "INV-2001", "1700.00")

    assert (refund.id, refund.amount, refund.order_id) == ("CN-4002", Decimal("1700.00"), "SO-1001")
    assert _refunds(erp, "INV-2001") == [30_000, 170_000]
    with pytest.raises(RuleViolation, match=r"exceeds the refundable 0\.00"):
        _refund(erp, "INV-2001", "0.01", key="ref-2")


def test_create_refund_refuses_more_than_is_refundable(erp: System) -> None:
    with pytest.raises(RuleViolation, match=r"exceeds the refundable 1700\.00") as raised:
        _refund(erp, "INV-2001", "1700.01")
    assert raised.value.details == {"refundable": "1700.00"}
    assert _refunds(erp, "INV-2001") == [30_000]


def test_create_refund_refuses_an_unpaid_invoice(erp: System) -> None:
    with pytest.raises(RuleViolation, match=r"refundable 0\.00"):
        _refund(erp, "INV-2003", "10.00")


def test_create_refund_refuses_outside_the_90_day_window(erp: System) -> None:
    # SO-1002 was delivered on 2025-11-20, 115 days ago
    with pytest.raises(RuleViolation, match="outside the 90-day refund window"):
        _refund(erp, "INV-2002", "100.00")
    assert _refunds(erp, "INV-2002") == []


def test_create_refund_window_closes_after_day_90(erp: System, clock) -> None:
    clock.now = datetime(2026, 1, 10, 9, tzinfo=clock.now.tzinfo) + timedelta(days=90)
    assert _refund(erp, "INV-2001", "10.00", key="ref-day-90").amount == Decimal("10.00")
    clock.advance(timedelta(minutes=1))
    with pytest.raises(RuleViolation, match="refund window"):
        _refund(erp, "INV-2001", "10.00", key="ref-day-90-plus")


def _remind(erp: System, invoice_id: str, tone: str = "friendly", key: str = "rem") -> object:
    args = {"invoice_id": invoice_id, "tone": tone}
    return erp.execute("send_payment_reminder", args, idempotency_key=key)


def test_send_payment_reminder_mails_the_billing_address(erp: System, now: datetime) -> None:
    message = _remind(erp, "INV-2001")

    assert (message.to, message.account_id, message.invoice_id) == (
        "ap@harborfoods.example",
        "ACC-1001",
        "INV-2001",
    )
    assert message.created_at == now
    assert "INV-2001" in message.subject and "USD 1,000.00" in message.subject
    for text in ("Dear Harbor Foods", "INV-2001", "USD 1,000.00", "34 days overdue", "2026-02-09"):
        assert text in message.body
    with erp.session() as session:
        stored = session.exec(select(OutboxMessage).where(OutboxMessage.invoice_id == "INV-2001"))
        assert [m.body for m in stored.all()] == [message.body]


def test_send_payment_reminder_firm_tone(erp: System) -> None:
    message = _remind(erp, "INV-2008", tone="firm")

    assert message.subject == "Overdue: invoice INV-2008, USD 700.00 is 28 days past due"
    assert "within 7 days" in message.body
    assert message.to == "finance@northfield.example"


@pytest.mark.parametrize(
    ("invoice_id", "reason"),
    [
        ("INV-2002", "paid in full"),
        ("INV-2006", "is void"),
        ("INV-2004", "due on 2026-04-14 and not overdue yet"),
    ],
)
def test_send_payment_reminder_refuses_what_is_not_owed_or_not_late(
    erp: System, invoice_id: str, reason: str
) -> None:
    with pytest.raises(RuleViolation, match=reason):
        _remind(erp, invoice_id)
    with erp.session() as session:
        assert (
            session.exec(select(OutboxMessage).where(OutboxMessage.invoice_id == invoice_id)).all()
            == []
        )


def test_send_payment_reminder_is_not_yet_due_on_its_due_date(erp: System, clock) -> None:
    clock.now = datetime(2026, 4, 14, 23, 59, tzinfo=clock.now.tzinfo)
    with pytest.raises(RuleViolation, match="not overdue yet"):
        _remind(erp, "INV-2004")
    clock.advance(timedelta(minutes=1))
    assert "1 days overdue" in _remind(erp, "INV-2004").body


def test_send_payment_reminder_waits_seven_days_between_reminders(erp: System, clock) -> None:
    # INV-2003 was reminded 5 days ago
    with pytest.raises(RuleViolation, match="next may go from 2026-03-17 12:00") as raised:
        _remind(erp, "INV-2003", key="rem-1")
    assert raised.value.details["next_allowed_at"].startswith("2026-03-17T12:00")

    clock.advance(timedelta(days=2) - timedelta(seconds=1))
    with pytest.raises(RuleViolation):
        _remind(erp, "INV-2003", key="rem-2")

    clock.advance(timedelta(seconds=1))
    _remind(erp, "INV-2003", tone="firm", key="rem-3")
    with pytest.raises(RuleViolation, match="next may go from 2026-03-24 12:00"):
        _remind(erp, "INV-2003", key="rem-4")


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({}, ["INV-2003", "INV-2008"]),
        ({"account_id": "ACC-1002"}, ["INV-2008"]),
        ({"invoice_id": "INV-2003"}, ["INV-2003"]),
        ({"invoice_id": "INV-2001"}, []),
    ],
)
def test_list_outbox_filters_newest_first(
    erp: System, filters: dict[str, object], expected: list[str]
) -> None:
    found = erp.execute("list_outbox", filters)
    assert [m.invoice_id for m in found.messages] == expected


def test_list_outbox_shows_a_new_reminder_first(erp: System) -> None:
    _remind(erp, "INV-2001")
    found = erp.execute("list_outbox", {"account_id": "ACC-1001"})
    assert [m.invoice_id for m in found.messages] == ["INV-2001", "INV-2003"]
    with pytest.raises(NotFound):
        erp.execute("list_outbox", {"account_id": "ACC-9999"})


def test_invoice_rows_are_left_alone_by_reads_and_reminders(erp: System) -> None:
    _remind(erp, "INV-2001")
    erp.execute("find_invoices", {"overdue": True})
    with erp.session() as session:
        invoice = session.get(Invoice, "INV-2001")
        assert invoice is not None and invoice.status == "open"
