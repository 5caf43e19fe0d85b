"""One contract, run against both transports: the caller cannot tell them apart."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlmodel import select

from connectors.erp.models import Refund, SalesOrder
from connectors.erp.views import RefundView
from connectors.errors import IdempotencyConflict, InvalidInput, NotFound, RuleViolation


def _refunds(systems) -> list[Refund]:
    with systems["erp"].session() as s:
        return list(s.exec(select(Refund)))


def test_read_returns_typed_result(connectors):
    result = connectors.call("crm.find_accounts", {"name": "blue harbor"})
    assert [a.id for a in result.accounts] == ["ACC-1001"]
    assert result.accounts[0].tier == "gold"


def test_write_returns_typed_result_and_changes_the_system(connectors, systems):
    refund = connectors.call(
        "erp.create_refund",
        {"invoice_id": "INV-2001", "amount": "45.00", "reason": "arrived damaged"},
        idempotency_key="k-1",
    )
    assert isinstance(refund, RefundView)
    assert refund.amount == Decimal("45.00")
    assert refund.id == "CN-4001"
    assert [(r.invoice_id, r.amount_cents) for r in _refunds(systems)] == [("INV-2001", 4500)]


def test_same_key_twice_writes_once_and_returns_the_first_result(connectors, systems):
    args = {"invoice_id": "INV-2001", "amount": "45.00", "reason": "arrived damaged"}
    first = connectors.call("erp.create_refund", args, idempotency_key="k-2")
    second = connectors.call("erp.create_refund", args, idempotency_key="k-2")
    assert first == second
    assert len(_refunds(systems)) == 1


def test_same_key_with_other_arguments_is_refused(connectors, systems):
    args = {"invoice_id": "INV-2001", "amount": "45.00", "reason": "arrived damaged"}
    connectors.call("erp.create_refund", args, idempotency_key="k-3")
    with pytest.raises(IdempotencyConflict):
        connectors.call("erp.create_refund", {**args, "amount": "40.00"}, idempotency_key="k-3")
    assert [r.amount_cents for r in _refunds(systems)] == [4500]


def test_write_without_key_is_refused(connectors, systems):
    with pytest.raises(InvalidInput, match="idempotency key"):
        connectors.call(
            "erp.create_refund", {"invoice_id": "INV-2001", "amount": "1", "reason": "x y z"}
        )
    assert _refunds(systems) == []


@pytest.mark.parametrize("amount", ["abc", "-5", "0", "1.234"])
def test_malformed_amount_is_invalid_input(connectors, amount):
    with pytest.raises(InvalidInput) as err:
        connectors.call(
            "erp.create_refund",
            {"invoice_id": "INV-2001", "amount": amount, "reason": "arrived damaged"},
            idempotency_key=f"k-{amount}",
        )
    assert err.value.details["errors"]


def test_unknown_record_is_not_found(connectors):
    with pytest.raises(NotFound, match="INV-9999"):
        connectors.call(
            "erp.create_refund",
            {"invoice_id": "INV-9999", "amount": "5", "reason": "arrived damaged"},
            idempotency_key="k-4",
        )


def test_business_rule_violation_is_typed_and_writes_nothing(connectors, systems):
    with pytest.raises(RuleViolation, match=r"exceeds the refundable 480\.00") as err:
        connectors.call(
            "erp.create_refund",
            {"invoice_id": "INV-2001", "amount": "480.01", "reason": "arrived damaged"},
            idempotency_key="k-5",
        )
    assert err.value.details["refundable"] == "480.00"
    assert _refunds(systems) == []


def test_refused_write_does_not_burn_its_key(connectors, systems):
    args = {"invoice_id": "INV-2001", "amount": "500", "reason": "arrived damaged"}
    with pytest.raises(RuleViolation):
        connectors.call("erp.create_refund", args, idempotency_key="k-6")
    ok = connectors.call("erp.create_refund", {**args, "amount": "20"}, idempotency_key="k-6")
    assert ok.amount == Decimal("20.00")


def test_unknown_tool_is_invalid_input(connectors):
    with pytest.raises(InvalidInput, match="unknown tool"):
        connectors.call("erp.launch_rocket", {})


def test_wildcards_typed_by_a_user_match_literally(connectors):
    assert connectors.call("crm.find_accounts", {"name": "%"}).accounts == []
    assert connectors.call("crm.find_accounts", {"name": "blue_harbor"}).accounts == []


def test_invalid_input_message_names_the_field(connectors):
    with pytest.raises(InvalidInput, match=r"create_refund: amount: "):
        connectors.call(
            "erp.create_refund",
            {"invoice_id": "INV-2001", "amount": "abc", "reason": "damaged"},
            idempotency_key="k-7",
        )


def test_validate_answers_what_a_write_would_book_and_changes_nothing(connectors, systems):
    args = {"invoice_id": "INV-2001", "amount": "45", "reason": "arrived damaged"}
    would = connectors.validate("erp.create_refund", args)
    assert (would.account_id, would.amount) == ("ACC-1001", Decimal("45.00"))
    assert _refunds(systems) == []
    # Nothing was kept, not even the credit note number.
    made = connectors.call("erp.create_refund", args, idempotency_key="k-v")
    assert made.id == would.id


def test_validate_meets_the_rules_the_write_would_meet(connectors, systems):
    with pytest.raises(RuleViolation, match=r"exceeds the refundable 480\.00"):
        connectors.validate(
            "erp.create_refund",
            {"invoice_id": "INV-2001", "amount": "480.01", "reason": "arrived damaged"},
        )
    with pytest.raises(NotFound):
        connectors.validate(
            "erp.create_refund", {"invoice_id": "INV-9999", "amount": "1", "reason": "damaged"}
        )
    with systems["erp"].session() as s:
        order = s.get(SalesOrder, "SO-1042")
        order.delivered_at = order.delivered_at - timedelta(days=100)
        s.add(order)
        s.commit()
    with pytest.raises(RuleViolation, match="outside the 90-day refund window"):
        connectors.validate(
            "erp.create_refund",
            {"invoice_id": "INV-2001", "amount": "10", "reason": "arrived damaged"},
        )
    assert _refunds(systems) == []


def test_a_write_is_found_by_its_idempotency_key(connectors):
    args = {"invoice_id": "INV-2001", "amount": "45.00", "reason": "arrived damaged"}
    refund = connectors.call("erp.create_refund", args, idempotency_key="k-find/1")

    found = connectors.find_write("erp.create_refund", "k-find/1")
    never = connectors.find_write("erp.create_refund", "k-never")

    assert (found.found, found.operation) == (True, "erp.create_refund")
    assert found.result is not None and found.result["id"] == refund.id
    assert (never.found, never.operation, never.result) == (False, None, None)
