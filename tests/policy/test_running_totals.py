"""Running totals (``totals:`` in policies/actions.yaml): a split write is decided by its sum."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from aios.config_files import ConfigFileError
from aios.policy import Decision, PolicyRequest, load_policy
from aios.policy.totals import PastWrite

POLICY = Path(__file__).parents[2] / "policies" / "actions.yaml"
NOW = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def engine():
    return load_policy(POLICY)


def refund(invoice: str, amount: str) -> dict[str, str]:
    return {"invoice_id": invoice, "amount": amount, "reason": "damaged goods"}


def booked(invoice: str, amount: str, account: str, ago: timedelta, by: str = "alice"):
    return PastWrite(
        tool="erp.create_refund",
        values={**refund(invoice, amount), "account_id": account, "id": "CN-4011"},
        operator=by,
        at=NOW - ago,
        ref="CN-4011",
    )


def decide(engine, args, *, pending=(), history=(), account=None, role="agent"):
    return engine.decide(
        PolicyRequest(
            role=role,
            tool="erp.create_refund",
            kind="write",
            args=args,
            operator="alice",
            booked={"account_id": account} if account else {},
            pending=list(pending),
            history=list(history),
            now=NOW,
        )
    )


def test_a_refund_split_in_one_request_needs_finance(engine):
    """Each $450 is under the $500 line; the request's $900 is not."""
    alone = decide(engine, refund("INV-2034", "450.00"))
    assert alone.decision is Decision.CONFIRM
    split = decide(engine, refund("INV-2034", "450.00"), pending=[refund("INV-2034", "450.00")])
    assert (split.decision, split.approver_role) == (Decision.APPROVE, "finance")
    assert split.rule == "refunds-per-invoice-above-500"
    assert "$900.00 = $450.00 now + $450.00 more in this request" in split.reason


def test_a_refund_split_over_time_needs_finance_however_long_ago(engine):
    earlier = booked("INV-2034", "450.00", "ACC-1003", timedelta(days=40))
    second = decide(engine, refund("INV-2034", "450.00"), history=[earlier], account="ACC-1003")
    assert (second.decision, second.approver_role) == (Decision.APPROVE, "finance")
    assert "$450.00 earlier (CN-4011)" in second.reason


def test_split_above_5000_goes_to_a_manager_not_finance(engine):
    earlier = booked("INV-2034", "4000.00", "ACC-1003", timedelta(hours=1))
    second = decide(engine, refund("INV-2034", "4000.00"), history=[earlier])
    assert (second.decision, second.approver_role) == (Decision.APPROVE, "manager")


def test_refunds_on_other_invoices_or_other_days_within_limits_need_no_one_else(engine):
    history = [
        booked("INV-2001", "450.00", "ACC-1003", timedelta(hours=2)),  # other invoice
        booked("INV-2002", "450.00", "ACC-1003", timedelta(days=2)),  # other day
    ]
    result = decide(
        engine,
        refund("INV-2034", "450.00"),
        pending=[refund("INV-2035", "100.00")],
        history=history,
        account="ACC-1003",
    )
    assert result.decision is Decision.CONFIRM, result.reason


def test_one_customer_more_than_1000_in_a_day_needs_finance(engine):
    history = [
        booked("INV-2001", "450.00", "ACC-1003", timedelta(hours=2)),
        booked("INV-2002", "450.00", "ACC-1003", timedelta(hours=3)),
    ]
    result = decide(engine, refund("INV-2034", "450.00"), history=history, account="ACC-1003")
    assert (result.rule, result.approver_role) == ("refunds-per-customer-day-above-1000", "finance")
    # The same refunds to other customers do not add up.
    other = decide(engine, refund("INV-2034", "450.00"), history=history, account="ACC-1009")
    assert other.decision is Decision.CONFIRM


def test_one_operator_more_than_2500_in_a_day_needs_finance(engine):
    history = [
        booked(f"INV-20{n}", "450.00", f"ACC-10{n}", timedelta(hours=n), by="alice")
        for n in range(10, 16)
    ]
    result = decide(engine, refund("INV-2034", "450.00"), history=history, account="ACC-1003")
    assert (result.rule, result.approver_role) == ("refunds-per-operator-day-above-2500", "finance")
    by_others = [w.model_copy(update={"operator": "bob"}) for w in history]
    assert decide(engine, refund("INV-2034", "450.00"), history=by_others).decision is (
        Decision.CONFIRM
    )


def test_totals_never_loosen_a_stricter_per_call_decision(engine):
    result = decide(engine, refund("INV-2034", "450.00"), role="auditor")
    assert result.decision is Decision.DENY


def test_explain_shows_every_total(engine):
    request = PolicyRequest(
        role="agent",
        tool="erp.create_refund",
        kind="write",
        args=refund("INV-2034", "450.00"),
        operator="alice",
        pending=[refund("INV-2034", "450.00")],
        now=NOW,
    )
    explained = engine.explain(request)
    by_rule = {check.rule: check for check in explained.totals}
    assert set(by_rule) == {t.id for t in engine.policy.totals}
    assert by_rule["refunds-per-invoice-above-500"].matched
    assert str(by_rule["refunds-per-invoice-above-500"].total) == "900.00"
    assert not by_rule["refunds-per-invoice-above-5000"].matched


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        (
            "{id: t, tools: [x], sum: amount, per: shop, window: ever, above: 1, decision: confirm,"
            " reason: why}",
            "per",
        ),
        (
            "{id: t, tools: [x], sum: amount, per: invoice, window: week, above: 1,"
            " decision: confirm, reason: why}",
            "window",
        ),
        (
            "{id: t, tools: [x], sum: amount, per: invoice, window: ever, above: 1,"
            " decision: approve, reason: why}",
            "approver_role is required",
        ),
        (
            "{id: t, tools: [x], sum: amount, per: invoice, window: ever, above: 1,"
            " decision: allow, reason: why}",
            "changes nothing",
        ),
        (
            "{id: t, tools: [x], sum: amount, per: invoice, window: ever, above: 1,"
            " decision: approve, approver_role: nobody, reason: why}",
            "unknown role",
        ),
        (
            "{id: t, tools: [x], per: invoice, window: ever, above: 1, decision: confirm,"
            " reason: why}",
            "sum",
        ),
    ],
)
def test_a_bad_totals_rule_fails_with_file_and_line(tmp_path, entry, message):
    bad = tmp_path / "bad.yaml"
    bad.write_text(f"version: '1'\nroles: {{agent: {{tools: ['*']}}}}\ntotals:\n  - {entry}\n")
    with pytest.raises(ConfigFileError, match=message):
        load_policy(bad)
