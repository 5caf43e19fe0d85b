"""Every role and every tool, written out by hand from the roles document
(knowledge/compliance/roles-and-permissions.md) and checked against the policy engine.

The table is the spec: a new tool or a changed grant fails here until someone writes down
what each role may do with it. Calls carry no amounts, so thresholds do not apply here
(tests/policy/test_engine.py covers them).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from aios.policy import Decision, PolicyRequest, load_policy
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
    decided = engine.decide(PolicyRequest(role=role, tool=tool, kind=kind, confidence=0.9))
    assert decided.decision is CELLS[role, tool], decided.reason
