"""``aios tools call`` acts as a named user, under policy, audited like a chat turn (issue 24.3).

Judged by the ERP's and CRM's rows and the audit trail, not by what was printed."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from aios.approvals import ApprovalStatus, open_ledger
from aios.audit import open_trail
from aios.cli import approvals as approvals_cli
from aios.cli.main import app
from aios.policy import load_policy
from connectors.crm.models import Note
from connectors.demo import _planted as planted
from connectors.erp.models import Refund
from tests.assistant.test_unrecorded_writes import accept, refuse

runner = CliRunner()


def _call(tool: str, args: dict[str, object], *extra: str):
    return runner.invoke(app, ["tools", "call", tool, "--args", json.dumps(args), *extra])


def _refunds(rows, invoice: str, cents: int) -> list[Refund]:
    return [r for r in rows("erp", Refund) if r.invoice_id == invoice and r.amount_cents == cents]


def _kinds(settings) -> list[tuple[str, str, str | None]]:
    return [(r.kind, r.actor, r.policy_decision) for r in open_trail(settings).records()]


REFUND = {"invoice_id": planted.DAMAGED_INVOICE, "amount": "45.00", "reason": "damaged"}


def test_a_call_needs_a_known_user(demo_settings, rows):
    nobody = _call("erp.create_refund", REFUND)
    assert nobody.exit_code != 0
    assert "--user" in nobody.output
    stranger = _call("erp.create_refund", REFUND, "--user", "mallory", "--yes")
    assert stranger.exit_code != 0
    assert "unknown user" in stranger.output
    assert _refunds(rows, planted.DAMAGED_INVOICE, 4500) == []
    assert list(open_trail(demo_settings).records()) == []


def test_a_confirmed_write_runs_only_with_yes_and_is_audited(demo_settings, rows):
    unconfirmed = _call("erp.create_refund", REFUND, "--user", "alice")
    assert unconfirmed.exit_code == 4, unconfirmed.output
    assert "--yes" in unconfirmed.output
    assert _refunds(rows, planted.DAMAGED_INVOICE, 4500) == []

    done = _call("erp.create_refund", REFUND, "--user", "alice", "--yes")
    assert done.exit_code == 0, done.output
    assert len(_refunds(rows, planted.DAMAGED_INVOICE, 4500)) == 1
    assert _kinds(demo_settings)[-4:] == [
        ("policy.decided", "alice", "confirm"),
        ("confirmation.given", "alice", "confirm"),
        ("tool.requested", "alice", "confirm"),
        ("tool.succeeded", "alice", "confirm"),
    ]
    assert open_trail(demo_settings).verify().ok


def test_a_denied_call_is_refused_with_the_reason(demo_settings):
    # An agent may not change credit limits at all (the rbac rule).
    args = {"account_id": planted.BLUE_HARBOR, "credit_limit": "100", "reason": "test"}
    denied = _call("erp.set_credit_limit", args, "--user", "alice", "--yes")
    assert denied.exit_code == 3, denied.output
    assert "may not use erp.set_credit_limit" in denied.output
    assert _kinds(demo_settings) == [("policy.decided", "alice", "deny")]


def test_reads_are_audited_as_the_user(demo_settings):
    found = _call("crm.find_accounts", {"name": "acme"}, "--user", "frank")
    assert found.exit_code == 0, found.output
    assert {a["name"] for a in json.loads(found.output)["accounts"]} >= {"Acme Industrial"}
    assert _kinds(demo_settings) == [
        ("policy.decided", "frank", "allow"),
        ("tool.read", "frank", None),
    ]


def test_the_author_is_the_user_never_what_was_typed(demo_settings, rows):
    note = {"account_id": planted.BLUE_HARBOR, "body": "called back about the delivery"}
    forged = _call("crm.add_note", {**note, "author": "erin"}, "--user", "alice", "--yes")
    assert forged.exit_code == 2, forged.output
    assert "author" in forged.output
    done = _call("crm.add_note", note, "--user", "alice", "--yes")
    assert done.exit_code == 0, done.output
    written = [n for n in rows("crm", Note) if n.body == note["body"]]
    assert [n.author for n in written] == ["alice"]


def test_four_eyes_files_a_request_that_another_person_carries_out(demo_settings, rows):
    invoice = planted.PLATINUM_PAID_INVOICE
    args = {"invoice_id": invoice, "amount": "600.00", "reason": "goodwill"}
    filed = _call("erp.create_refund", args, "--user", "alice", "--yes")
    assert filed.exit_code == 0, filed.output
    ident = filed.output.strip().splitlines()[-1]
    assert ident.startswith("AP-")
    assert _refunds(rows, invoice, 60000) == []
    ledger = open_ledger(demo_settings, load_policy(demo_settings.policy_file))
    assert ledger.get(ident).status is ApprovalStatus.PENDING

    for who in ("alice", "carol"):  # the requester herself; a senior agent without finance
        refused = runner.invoke(app, ["approvals", "decide", ident, "--as", who])
        assert refused.exit_code == 1, refused.output
        assert "not_allowed" in refused.output
    assert _refunds(rows, invoice, 60000) == []

    approved = runner.invoke(app, ["approvals", "decide", ident, "--as", "dave"])
    assert approved.exit_code == 0, approved.output
    assert len(_refunds(rows, invoice, 60000)) == 1
    again = runner.invoke(app, ["approvals", "decide", ident, "--as", "dave"])
    assert again.exit_code == 1, again.output
    assert "already_decided" in again.output
    assert len(_refunds(rows, invoice, 60000)) == 1  # one request, one write

    decided = ledger.get(ident)
    assert (decided.status, decided.decided_by) == (ApprovalStatus.APPROVED, "dave")
    assert decided.outcome == "Carried out."
    trail = list(open_trail(demo_settings).records(session_id=decided.session_id))
    written = [r for r in trail if r.kind == "tool.succeeded"]
    assert [(r.actor, r.on_behalf_of, r.approval_id) for r in written] == [("dave", "alice", ident)]


def test_a_rejected_request_changes_nothing(demo_settings, rows, monkeypatch):
    invoice = planted.PLATINUM_PAID_INVOICE
    args = {"invoice_id": invoice, "amount": "700.00", "reason": "goodwill"}
    ident = _call("erp.create_refund", args, "--user", "bob").output.strip().splitlines()[-1]
    decide = ["approvals", "decide", ident, "--as", "dave", "--reject"]
    rejected = runner.invoke(app, [*decide, "--reason", "No goodwill on paid invoices."])
    assert rejected.exit_code == 0, rejected.output
    assert "rejected by dave: No goodwill on paid invoices; nothing" in rejected.output
    assert _refunds(rows, invoice, 70000) == []
    ledger = open_ledger(demo_settings, load_policy(demo_settings.policy_file))
    decided = ledger.get(ident)
    assert decided.status is ApprovalStatus.REJECTED
    assert decided.rejection_reason == "No goodwill on paid invoices."
    assert decided.outcome == "Rejected by dave: No goodwill on paid invoices. Nothing was changed."
    [row] = [
        r
        for r in open_trail(demo_settings).records(session_id=decided.session_id)
        if r.kind == "approval.decided"
    ]
    assert row.arguments["reason"] == "No goodwill on paid invoices."
    monkeypatch.setattr(approvals_cli.console, "width", 200)  # one reason, one line
    listed = runner.invoke(app, ["approvals", "list", "--all"])
    assert "rejected: No goodwill on paid invoices." in listed.output


def test_a_write_not_on_record_is_said_so_and_reconciled(demo_settings, rows):
    """The trail's real database refuses the success row (as a full disk would) after the
    ERP made the refund: the call says it happened but is not on record; reconcile records it."""
    engine = open_trail(demo_settings).engine
    refuse(engine, "tool.succeeded")
    done = _call("erp.create_refund", {**REFUND, "amount": "13.00"}, "--user", "alice", "--yes")
    accept(engine)

    assert done.exit_code == 0, done.output
    made = _refunds(rows, planted.DAMAGED_INVOICE, 1300)
    assert len(made) == 1 and made[0].id in done.output
    assert "not yet on the audit record" in done.output
    reconciled = runner.invoke(app, ["audit", "reconcile"])
    assert reconciled.exit_code == 0, reconciled.output
    assert "succeeded" in reconciled.output
    assert _kinds(demo_settings)[-2:] == [
        ("tool.requested", "alice", "confirm"),
        ("tool.succeeded", "alice", "confirm"),
    ]


def test_a_cancellation_is_decided_on_the_order_it_would_cancel(demo_settings):
    # Willow Creek's SO-1319 totals $10,090.20, SO-1144 $4,410.00 (Order Cancellation: above
    # $10,000 a senior agent or manager approves); the total comes from the ERP's validation.
    large = _call("erp.cancel_order", {"order_id": "SO-1319", "reason": "dup"}, "--user", "alice")
    assert large.exit_code == 0, large.output
    assert large.output.strip().splitlines()[-1].startswith("AP-")
    small = _call("erp.cancel_order", {"order_id": "SO-1144", "reason": "dup"}, "--user", "alice")
    assert small.exit_code == 4, small.output  # a confirmation: --yes
