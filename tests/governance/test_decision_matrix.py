"""Every role and every tool, written out by hand from the roles document
(knowledge/compliance/roles-and-permissions.md) and checked against the policy engine.

The table is the spec: a new tool or a changed grant fails here until someone writes down
what each role may do with it. Calls carry no amounts and book none, so thresholds do not
apply here (tests/policy/test_engine.py covers them).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from aios.policy import Decision, PolicyRequest, load_policy
from aios.policy.totals import PastWrite
from connectors.registry import default_registry

POLICY = Path(__file__).parents[2] / "policies" / "actions.yaml"

TABLE = """
tool                          auditor agent   senior_agent finance manager admin
crm.find_accounts             allow   allow   allow        allow   allow   allow
crm.find_cases                allow   allow   allow        allow   allow   allow
crm.find_contacts             allow   allow   allow        allow   allow   allow
crm.get_account               allow   allow   allow        allow   allow   allow
crm.get_case                  allow   allow   allow        allow   allow   allow
erp.find_invoices             allow   allow   allow        allow   allow   allow
erp.find_orders               allow   allow   allow        allow   allow   allow
erp.find_products             allow   allow   allow        allow   allow   allow
erp.get_customer              allow   allow   allow        allow   allow   allow
erp.get_invoice               allow   allow   allow        allow   allow   allow
erp.get_order                 allow   allow   allow        allow   allow   allow
erp.list_outbox               allow   allow   allow        allow   allow   allow
crm.add_note                  deny    confirm confirm      confirm confirm deny
crm.open_case                 deny    confirm confirm      confirm confirm deny
crm.escalate_case             deny    confirm confirm      confirm confirm deny
crm.close_case                deny    confirm confirm      confirm confirm deny
crm.update_contact            deny    confirm confirm      confirm confirm deny
erp.create_refund             deny    confirm confirm      confirm confirm deny
erp.cancel_order              deny    confirm confirm      confirm confirm deny
erp.change_shipping_address   deny    confirm confirm      confirm confirm deny
erp.send_payment_reminder     deny    confirm confirm      confirm confirm deny
crm.set_account_status        deny    deny    confirm      confirm confirm deny
erp.set_credit_limit          deny    deny    deny         confirm confirm deny
"""


def _table() -> dict[tuple[str, str], Decision]:
    header, *lines = TABLE.strip().splitlines()
    roles = header.split()[1:]
    cells = {}
    for line in lines:
        tool, *decisions = line.split()
        cells.update({(role, tool): Decision(d) for role, d in zip(roles, decisions, strict=True)})
    return cells


CELLS = _table()


def test_the_table_covers_every_role_and_every_tool():
    engine = load_policy(POLICY)
    assert {role for role, _ in CELLS} == set(engine.policy.roles)
    assert {tool for _, tool in CELLS} == {op.tool_name for op in default_registry()}


@pytest.mark.parametrize(("role", "tool"), sorted(CELLS))
def test_each_cell_matches_the_policy_file(role, tool):
    engine = load_policy(POLICY)
    kind = default_registry().get(tool).kind.value
    # A write the system validated, booking nothing above a threshold (an unvalidated one is
    # taken as over: tests/policy/test_engine.py).
    booked = {"total": "0.00"} if kind == "write" else {}
    request = PolicyRequest(role=role, tool=tool, kind=kind, confidence=0.9, booked=booked)
    decided = engine.decide(request)
    assert decided.decision is CELLS[role, tool], decided.reason


# Running totals (policies/actions.yaml ``totals:``), for an agent refunding on one invoice:
# this refund, the same request's other refunds, and earlier ones on the invoice (ever).
TOTALS = """
this     in_request  earlier  decision  approver
450.00   0           0        confirm   -
450.00   450.00      0        approve   finance
450.00   0           450.00   approve   finance
250.00   150.00      100.00   confirm   -
250.00   150.00      100.01   approve   finance
3000.00  0           2000.01  approve   manager
"""


def _totals_rows() -> list[list[str]]:
    return [line.split() for line in TOTALS.strip().splitlines()[1:]]


@pytest.mark.parametrize(("this", "in_request", "earlier", "decision", "approver"), _totals_rows())
def test_each_totals_row_matches_the_policy_file(this, in_request, earlier, decision, approver):
    now = datetime(2026, 12, 7, tzinfo=UTC)
    refund = {"invoice_id": "INV-2034", "reason": "damaged"}
    past = PastWrite(
        tool="erp.create_refund",
        values={**refund, "amount": earlier},
        operator="bob",
        at=now - timedelta(days=60),
    )
    decided = load_policy(POLICY).decide(
        PolicyRequest(
            role="agent",
            tool="erp.create_refund",
            kind="write",
            args={**refund, "amount": this},
            operator="alice",
            pending=[{**refund, "amount": in_request}] if in_request != "0" else [],
            history=[past] if earlier != "0" else [],
            now=now,
        )
    )
    assert decided.decision is Decision(decision), decided.reason
    assert decided.approver_role == (None if approver == "-" else approver)
