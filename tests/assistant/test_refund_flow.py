"""The example from the product brief, end to end, judged by the ERP's and CRM's rows."""

from __future__ import annotations

import re
from decimal import Decimal

from aios.audit import AuditUnavailable, open_trail
from connectors.crm.models import Note
from connectors.demo import _planted as planted
from connectors.erp.models import Refund
from tests.assistant.conftest import kinds

REQUEST = (
    "Blue Harbor says order SO-1042 arrived broken, refund them $45 and note it on their open case"
)


def _new_refunds(rows):
    return [r for r in rows("erp", Refund) if r.invoice_id == planted.DAMAGED_INVOICE]


def test_plan_then_confirm_each_write_then_done(runtime, users, rows):
    alice = users["alice"]
    before = len(_new_refunds(rows))
    events = list(runtime.assistant.handle("s1", alice, REQUEST))
    assert kinds(events) == ["plan", "confirmation_required", "done"]
    plan, confirmation = events[0], events[1]
    assert [s.tool for s in plan.steps] == ["erp.create_refund", "crm.add_note"]
    assert plan.steps[0].args["invoice_id"] == planted.DAMAGED_INVOICE
    assert plan.steps[1].args["case_id"] == planted.DAMAGED_CASE
    assert confirmation.args == {**plan.steps[0].args}
    assert "$45.00" in confirmation.text
    # Every argument the refund will be sent, as a person reads it, before anyone decides.
    assert [(a.label, a.value) for a in confirmation.arguments] == [
        ("The paid invoice to refund against", planted.DAMAGED_INVOICE),
        ("Amount to refund", "$45.00"),
        ("Why the refund is given", plan.steps[0].args["reason"]),
    ]
    assert len(_new_refunds(rows)) == before  # nothing written before the confirmation

    events = list(runtime.assistant.handle("s1", alice, "yes"))
    # The refund is told as soon as it is done, before the note is asked about.
    assert kinds(events) == [
        "step_started",
        "step_finished",
        "message",
        "confirmation_required",
        "done",
    ]
    refunded, told, note = events[1], events[2], events[3]
    assert re.fullmatch(
        rf"Refunded \$45\.00 on invoice {planted.DAMAGED_INVOICE} \(credit note CN-\d+\)",
        refunded.summary,
    )
    # Who writes the note is filled in from the requester, and shown so.
    assert ("Username writing the note", "alice") in [(a.label, a.value) for a in note.arguments]
    assert ("The note's text", plan.steps[1].args["body"]) in [
        (a.label, a.value) for a in note.arguments
    ]
    events = list(runtime.assistant.handle("s1", alice, "yes"))
    assert kinds(events) == ["step_started", "step_finished", "message", "done"]
    assert re.fullmatch(
        rf"Added a note to case {planted.DAMAGED_CASE} \(note \d+\)", events[1].summary
    )
    assert events[-1].status == "completed"

    refunds = _new_refunds(rows)
    assert len(refunds) == before + 1
    assert refunds[-1].amount_cents == 4500
    notes = [n for n in rows("crm", Note) if n.case_id == planted.DAMAGED_CASE]
    assert len(notes) == 1 and notes[0].author == "alice"
    assert f"as credit note {refunds[-1].id}" in told.text
    assert "credit note" not in events[2].text  # told once


def test_a_correction_replans_and_asks_again(runtime, users, rows):
    alice = users["alice"]
    list(runtime.assistant.handle("s2", alice, REQUEST))
    events = list(runtime.assistant.handle("s2", alice, "no, make it $40"))
    assert kinds(events) == ["plan", "confirmation_required", "done"]
    assert events[1].args["amount"] == "40.00"
    list(runtime.assistant.handle("s2", alice, "yes"))
    assert _new_refunds(rows)[-1].amount_cents == 4000


def test_no_cancels_and_writes_nothing(runtime, users, rows):
    before = len(_new_refunds(rows))
    list(runtime.assistant.handle("s3", users["alice"], REQUEST))
    events = list(runtime.assistant.handle("s3", users["alice"], "no"))
    assert events[-1].status == "cancelled"
    assert len(_new_refunds(rows)) == before
    assert runtime.assistant.pending("s3") is None


def test_only_the_requester_can_confirm(runtime, users, rows):
    before = len(_new_refunds(rows))
    list(runtime.assistant.handle("s4", users["alice"], REQUEST))
    events = list(runtime.assistant.handle("s4", users["bob"], "yes"))
    assert kinds(events) == ["error", "done"]
    assert events[0].code == "not_allowed"
    assert len(_new_refunds(rows)) == before
    assert runtime.assistant.pending("s4") is not None


def test_four_eyes_refund_needs_finance_and_not_the_requester(runtime, users, rows):
    invoice = planted.PLATINUM_PAID_INVOICE
    events = list(runtime.assistant.handle("s5", users["alice"], f"refund $600 on {invoice}"))
    confirmation = events[1]
    assert confirmation.decision == "approve"
    assert confirmation.approver_role == "finance"
    for who in ("alice", "carol"):  # the requester; a senior agent without the role
        refused = list(runtime.assistant.resume("s5", users[who], "approve"))
        assert refused[0].code == "not_allowed"
    assert not [
        r for r in rows("erp", Refund) if r.invoice_id == invoice and r.amount_cents == 60000
    ]
    done = list(runtime.assistant.resume("s5", users["dave"], "approve"))
    assert done[-1].status == "completed"
    made = [r for r in rows("erp", Refund) if r.invoice_id == invoice and r.amount_cents == 60000]
    assert len(made) == 1
    assert made[0].amount_cents / 100 == float(Decimal("600"))


def test_every_write_is_in_the_audit_trail_before_and_after(runtime, users, demo_settings):
    list(runtime.assistant.handle("s6", users["alice"], "refund $10 on SO-1042"))
    list(runtime.assistant.handle("s6", users["alice"], "yes"))
    trail = open_trail(demo_settings)
    session_kinds = [(r.kind, r.tool) for r in trail.records(session_id="s6")]
    write = [k for k in session_kinds if k[1] == "erp.create_refund"]
    assert write == [
        ("policy.decided", "erp.create_refund"),
        ("confirmation.given", "erp.create_refund"),
        ("tool.requested", "erp.create_refund"),
        ("tool.succeeded", "erp.create_refund"),
    ]
    assert ("tool.read", "erp.get_order") in session_kinds
    assert trail.verify().ok


def test_every_row_of_a_turn_names_the_policy_version(runtime, users, demo_settings):
    list(runtime.assistant.handle("s7", users["alice"], "refund $10 on SO-1042"))
    list(runtime.assistant.handle("s7", users["alice"], "yes"))
    rows = list(open_trail(demo_settings).records(session_id="s7"))
    assert {r.policy_version for r in rows} == {"2026.12.1"}


def test_a_change_whose_success_cannot_be_audited_is_still_reported_done(runtime, users, rows):
    """The system made it and its request is on the trail: saying "nothing was changed"
    would invite the same refund again under a new key."""
    list(runtime.assistant.handle("s8", users["alice"], "refund $11 on SO-1042"))
    trail = runtime.toolbox.trail
    append = trail.append

    def failing_on_success(event):
        if event.kind == "tool.succeeded":
            raise AuditUnavailable("disk full")
        return append(event)

    trail.append = failing_on_success
    done = list(runtime.assistant.handle("s8", users["alice"], "yes"))
    assert done[-1].status == "completed"
    assert "Refunded $11.00" in next(e.text for e in done if e.type == "message")
    assert len([r for r in _new_refunds(rows) if r.amount_cents == 1100]) == 1
