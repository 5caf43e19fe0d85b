"""How assistant events read in the web chat (aios.web.render), without a browser."""

from __future__ import annotations

from datetime import UTC, datetime

from aios.assistant.arguments import shown_arguments
from aios.assistant.events import (
    Citation,
    ClarificationEvent,
    ConfirmationRequired,
    ErrorEvent,
    MessageEvent,
    PlanEvent,
    PlannedStepView,
    StepFinished,
)
from aios.identity import demo_users
from aios.web import render
from connectors.registry import default_registry

USERS = demo_users()
ALICE, BOB, DAVE = USERS["alice"], USERS["bob"], USERS["dave"]
SESSION = "web-1234"


def _refund(decision: str = "confirm", amount: str = "45.00") -> ConfirmationRequired:
    return ConfirmationRequired.model_validate(
        {
            "index": 0,
            "tool": "erp.create_refund",
            "args": {"invoice_id": "INV-2038", "amount": amount},
            "text": f"Refund ${amount} to Blue Harbor Logistics on invoice INV-2038",
            "decision": decision,
            "approver_role": "finance" if decision == "approve" else None,
            "requester": "alice",
            "reason": "Refunds from $500.01 need approval by finance.",
        }
    )


def _plan(understood: str) -> PlanEvent:
    return PlanEvent(
        understood=understood,
        confidence=0.72,
        steps=[
            PlannedStepView(
                index=0, tool="erp.create_refund", args={}, description="Refund $45.00 on INV-1"
            ),
            PlannedStepView(index=1, tool="crm.add_note", args={}, description="Add a note"),
        ],
    )


def test_the_plan_lists_each_step_in_words() -> None:
    # The planner's understanding of a two-request message is its steps joined: said once.
    text = render.plan_text(_plan("Refund $45.00 on INV-1; then Add a note"))
    assert text == "1. Refund $45.00 on INV-1\n2. Add a note"
    assert "sure" not in text and "erp.create_refund" not in text


def test_the_plan_shows_what_was_understood_when_it_says_more() -> None:
    text = render.plan_text(_plan("Blue Harbor wants a refund and a note"))
    assert text.startswith("**Blue Harbor wants a refund and a note**\n\n1. Refund")


def test_a_finished_step_is_titled_with_what_it_did() -> None:
    done = StepFinished(
        index=0, tool="crm.add_note", ok=True, result={"id": 105}, summary="Added a note (note 105)"
    )
    assert render.step_title(done, "Add a note") == "Added a note (note 105)"
    failed = StepFinished(index=0, tool="crm.add_note", ok=False, error="case closed")
    assert render.step_title(failed, "Add a note") == "Failed: Add a note"


def test_a_tool_call_shows_its_result_as_json_or_its_error() -> None:
    done = StepFinished(index=0, tool="erp.create_refund", ok=True, result={"id": "CN-4011"})
    assert render.step_output(done) == '{\n  "id": "CN-4011"\n}'
    failed = StepFinished(index=0, tool="erp.create_refund", ok=False, error="outside window")
    assert render.step_output(failed) == "outside window"


def test_the_requester_confirms_with_buttons() -> None:
    card = render.confirmation_card(_refund(), SESSION, ALICE)
    assert card.text.startswith("**Please confirm:** Refund $45.00")
    assert "Why: Refunds from $500.01 need approval by finance." in card.text
    assert [(b.label, b.payload["answer"]) for b in card.buttons] == [
        ("Approve", "approve"),
        ("Reject", "reject"),
    ]
    assert {b.action for b in card.buttons} == {render.DECIDE}
    assert {b.payload["session"] for b in card.buttons} == {SESSION}


def test_someone_else_sees_a_confirmation_without_buttons() -> None:
    card = render.confirmation_card(_refund(), SESSION, BOB)
    assert card.text.startswith("**Waiting for alice to confirm:**")
    assert card.buttons == []


def test_the_requester_of_an_approval_is_told_who_decides_and_how() -> None:
    card = render.confirmation_card(_refund("approve", "900.00"), SESSION, ALICE)
    assert card.text.startswith("**Needs approval by finance** (four-eyes)")
    assert "`/approvals`" in card.text
    assert card.buttons == []


def test_an_approver_gets_the_buttons_and_a_wrong_role_does_not() -> None:
    approval = _refund("approve", "900.00")
    card = render.confirmation_card(approval, SESSION, DAVE, may_approve=True)
    assert card.text.startswith("**alice asks for your approval** as finance")
    assert [b.label for b in card.buttons] == ["Approve", "Reject"]
    waiting = render.confirmation_card(approval, SESSION, BOB)
    assert waiting.buttons == [] and waiting.text.startswith("**Waiting for approval by finance")


def test_a_button_names_exactly_the_confirmation_it_answers() -> None:
    shown = _refund().model_copy(update={"id": "CF-1"})
    assert shown.args_hash == _refund().args_hash != _refund(amount="40.00").args_hash
    card = render.confirmation_card(shown, SESSION, ALICE)
    assert {(b.payload["confirmation_id"], b.payload["args_hash"]) for b in card.buttons} == {
        ("CF-1", shown.args_hash)
    }


def test_citations_become_a_sources_section_with_one_card_each() -> None:
    event = MessageEvent(
        text="Damaged goods are refunded in full.",
        citations=[
            Citation(source="policies/refunds.md", title="Refund Policy v2", heading="Damaged"),
            Citation(source="policies/old.md", title="Refund Policy v2", heading="Damaged"),
            Citation(source="faq.md", title="FAQ", snippet="Yes, within 90 days."),
        ],
    )
    card = render.reply_card(event)
    names = [s.name for s in card.sources]
    assert names == [
        "Refund Policy v2 > Damaged",
        "Refund Policy v2 > Damaged (policies/old.md)",
        "FAQ",
    ]
    assert card.text == "Damaged goods are refunded in full.\n\n**Sources**"
    assert card.sources[2].text == "*faq.md*\n\nYes, within 90 days."


def test_a_reply_without_citations_is_just_its_text() -> None:
    card = render.reply_card(MessageEvent(text="Noted on case CS-1007."))
    assert card == render.Card("Noted on case CS-1007.")


def test_a_clarification_offers_each_option_as_a_button() -> None:
    event = ClarificationEvent(question="Which customer?", options=["Acme Industrial", "Acme Inc"])
    card = render.clarification_card(event)
    assert card.text == "Which customer?"
    assert [(b.action, b.label, b.payload) for b in card.buttons] == [
        (render.CHOOSE, "Acme Industrial", {"text": "Acme Industrial"}),
        (render.CHOOSE, "Acme Inc", {"text": "Acme Inc"}),
    ]


def test_errors_read_plainly_with_their_code_apart() -> None:
    event = ErrorEvent(code="nothing_pending", message="nothing is waiting for a decision.")
    assert render.error_text(event) == (
        "Nothing is waiting for a decision.\n\n*Details: nothing_pending*"
    )


def test_every_argument_is_shown_before_the_buttons_as_a_person_reads_it() -> None:
    registry = default_registry()
    args = {"invoice_id": "INV-2038", "amount": "1250.5", "reason": "arrived *broken*"}
    refund = _refund().model_copy(
        update={"arguments": shown_arguments(registry.get("erp.create_refund"), args)}
    )
    card = render.confirmation_card(refund, SESSION, ALICE)
    listed = card.text.split("Why:")[0]
    assert "- The paid invoice to refund against: **INV-2038**" in listed
    assert "- Amount to refund: **$1,250.50**" in listed
    assert "- Why the refund is given: **arrived \\*broken\\***" in listed  # typed, not Markdown
    assert card.buttons


def test_streamed_tokens_rebuild_the_text_exactly() -> None:
    text = "  Refunded $45.00\n\nto Blue Harbor.  "
    pieces = render.tokens(text)
    assert "".join(pieces) == text
    assert pieces[:3] == ["  ", "Refunded ", "$45.00\n\n"]
    assert render.tokens("") == []


def test_a_source_the_answer_already_quotes_is_named_not_quoted_again() -> None:
    quoted = "A refund must be requested within 90 days of delivery."
    other = "Refunds above $5,000.00 need a manager's approval."
    cite = {
        "source": "finance/refund-policy-v2.md",
        "title": "Refund Policy v2",
        "heading_path": "Refund Policy v2 > Refund window",
        "score": 1.0,
    }
    event = MessageEvent(
        text=f"**{quoted}** — Refund Policy v2, Refund window",
        citations=[
            Citation(**cite, heading="Refund window", snippet=quoted),
            Citation(**cite, heading="Manager approval", snippet=other),
        ],
    )
    card = render.reply_card(event)
    assert quoted not in card.sources[0].text
    assert other in card.sources[1].text


def test_the_approvals_summary_counts_what_waits_in_words() -> None:
    now = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    assert render.approvals_summary(0, [], now) == "Nothing waits for your approval."
    assert render.approvals_summary(1, [], now) == (
        "**1 request waits for your decision** (above)."
    )
    assert render.approvals_summary(2, [], now).startswith("**2 requests wait for")


def test_an_approvers_reason_is_optional() -> None:
    assert render.rejection_reason(" Paid by bank transfer. ") == "Paid by bank transfer."
    for none in (None, "", "skip", "Skip.", "none"):
        assert render.rejection_reason(none) is None
