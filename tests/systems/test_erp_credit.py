"""ERP customers: the credit position, and changing a credit limit."""

from __future__ import annotations

from decimal import Decimal

import pytest

from connectors.erp.models import Customer
from connectors.errors import InvalidInput, NotFound, RuleViolation
from connectors.system import System


def test_get_customer_sums_what_is_owed_and_the_credit_in_use(erp: System) -> None:
    customer = erp.execute("get_customer", {"account_id": "ACC-1001"})

    assert (customer.name, customer.billing_email) == ("Harbor Foods", "ap@harborfoods.example")
    assert customer.credit_limit == Decimal("100000.00")
    # INV-2001 1000 + INV-2003 500 + INV-2004 400 + INV-2005 2500; paid INV-2002, void INV-2006 out
    assert customer.open_balance == Decimal("4400.00")
    assert customer.overdue_balance == Decimal("1500.00")  # INV-2001 (marked open) + INV-2003
    # SO-1004 is confirmed and not invoiced; SO-1003 is only pending
    assert customer.uninvoiced_orders == Decimal("1200.00")
    assert customer.credit_used == Decimal("5600.00")
    assert customer.credit_available == Decimal("94400.00")


def test_get_customer_over_its_limit_has_negative_credit_available(erp: System) -> None:
    with erp.session() as session:
        customer = session.get(Customer, "ACC-1002")
        assert customer is not None
        customer.credit_limit_cents = 50_000
        session.commit()

    found = erp.execute("get_customer", {"account_id": "ACC-1002"})

    # INV-2008 700 is the invoice of pending SO-1007: counted once, as an invoice
    assert (found.credit_used, found.credit_available) == (Decimal("700.00"), Decimal("-200.00"))


def test_get_customer_of_an_unknown_account_is_not_found(erp: System) -> None:
    with pytest.raises(NotFound, match="no customer 'ACC-9999'"):
        erp.execute("get_customer", {"account_id": "ACC-9999"})


def _set_limit(erp: System, limit: str, key: str = "scl") -> object:
    args = {"account_id": "ACC-1002", "credit_limit": limit, "reason": "New framework contract"}
    return erp.execute("set_credit_limit", args, idempotency_key=key)


def _stored_limit(erp: System) -> int:
    with erp.session() as session:
        customer = session.get(Customer, "ACC-1002")
        assert customer is not None
        return customer.credit_limit_cents


def test_set_credit_limit_returns_the_old_and_new_limit(erp: System) -> None:
    change = _set_limit(erp, "40000.00")

    assert (change.old_credit_limit, change.new_credit_limit) == (Decimal(25000), Decimal(40000))
    assert (change.currency, change.reason) == ("USD", "New framework contract")
    assert _stored_limit(erp) == 4_000_000


def test_set_credit_limit_accepts_zero(erp: System) -> None:
    assert _set_limit(erp, "0").new_credit_limit == Decimal(0)
    assert _stored_limit(erp) == 0


def test_set_credit_limit_refuses_a_negative_limit_as_a_rule(erp: System) -> None:
    with pytest.raises(RuleViolation, match="cannot be negative") as raised:
        _set_limit(erp, "-1.00")
    assert raised.value.details == {"minimum": "0.00", "requested": "-1.00"}
    assert _stored_limit(erp) == 2_500_000


def test_set_credit_limit_refuses_a_no_op(erp: System) -> None:
    with pytest.raises(RuleViolation, match=r"already USD 25000\.00"):
        _set_limit(erp, "25000")


@pytest.mark.parametrize("limit", ["12.345", "abc"])
def test_set_credit_limit_refuses_a_malformed_amount(erp: System, limit: str) -> None:
    with pytest.raises(InvalidInput):
        _set_limit(erp, limit)


def test_set_credit_limit_needs_an_idempotency_key(erp: System) -> None:
    with pytest.raises(InvalidInput, match="needs an idempotency key"):
        erp.execute(
            "set_credit_limit", {"account_id": "ACC-1002", "credit_limit": "1", "reason": "x y"}
        )
