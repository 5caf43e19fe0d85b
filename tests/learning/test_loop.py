"""The learning loop end to end, on the real planner and the demo company: what operators
correct, reject and rephrase becomes candidates; only an owner's acceptance changes a plan."""

from __future__ import annotations

import pytest

from aios.assistant.factory import build_runtime
from aios.audit import AuditUnavailable
from aios.learning.review import ReviewRefused
from connectors.demo import _planted as planted

PENDING = planted.BLUE_HARBOR_PENDING_ORDER  # can be cancelled
PARAPHRASE = "SO-1027 gets scrapped"  # another order, other words: not in the conversation


def _say(runtime, session, user, text):
    return list(runtime.assistant.handle(session, user, text))


def _tools(events):
    plan = next((e for e in events if e.type == "plan"), None)
    return [s.tool for s in plan.steps] if plan else []


def _candidates(runtime, kind):
    return [e for e in runtime.learning.examples(status="candidate") if e.kind == kind]


def _corrected_scrapping(runtime, users):
    """Alice says an order "is to be scrapped", gets a look-up, corrects it: a candidate."""
    alice = users["alice"]
    assert _tools(_say(runtime, "s1", alice, f"order {PENDING} is to be scrapped")) == [
        "erp.get_order"
    ]
    corrected = _say(runtime, "s1", alice, f"no, I meant cancel order {PENDING}")
    assert _tools(corrected) == ["erp.cancel_order"]
    assert _say(runtime, "s1", alice, "yes")[-1].status == "completed"
    [candidate] = _candidates(runtime, "corrected")
    return candidate


def test_a_correction_becomes_a_candidate_and_acceptance_changes_the_next_plan(runtime, users):
    candidate = _corrected_scrapping(runtime, users)
    assert (candidate.skill, candidate.was, candidate.text) == (
        "cancel_order",
        "order_status",
        "order is to be scrapped",  # as the matcher saw it: the order's id is not kept
    )
    # The look-up it was taken for gets the same words as a hard example against it.
    [against] = _candidates(runtime, "rejected")
    assert (against.skill, against.text) == ("order_status", "order is to be scrapped")

    bob = users["bob"]
    assert _tools(_say(runtime, "s2", bob, PARAPHRASE)) == ["erp.get_order"]  # not learnt yet
    runtime.reviews.accept(candidate.id, users["erin"])  # a manager owns cancel_order
    assert _tools(_say(runtime, "s3", bob, PARAPHRASE)) == ["erp.cancel_order"]  # no restart

    [row] = [r for r in runtime.toolbox.trail.records() if r.kind == "learning.accepted"]
    assert row.actor == "erin"
    assert row.arguments["example_id"] == candidate.id
    assert (
        row.arguments["text"] == "order is to be scrapped"
        and row.arguments["skill"] == "cancel_order"
    )
    assert runtime.toolbox.trail.verify().ok


def test_nothing_changes_the_planner_until_someone_accepts(runtime, users):
    _corrected_scrapping(runtime, users)
    assert _tools(_say(runtime, "s2", users["bob"], PARAPHRASE)) == ["erp.get_order"]
    assert runtime.learning.accepted() == []


def test_another_worker_picks_up_an_acceptance_on_its_next_message(
    runtime, users, demo_settings, embedder
):
    other = build_runtime(demo_settings, embedder=embedder)
    bob = users["bob"]
    assert _tools(_say(other, "w1", bob, PARAPHRASE)) == ["erp.get_order"]
    runtime.reviews.accept(_corrected_scrapping(runtime, users).id, users["erin"])
    assert _tools(_say(other, "w2", bob, PARAPHRASE)) == ["erp.cancel_order"]


def test_dismissing_an_accepted_example_takes_it_back(runtime, users):
    candidate = _corrected_scrapping(runtime, users)
    runtime.reviews.accept(candidate.id, users["erin"])
    runtime.reviews.dismiss(candidate.id, users["grace"])  # an admin owns every skill too
    assert _tools(_say(runtime, "s2", users["bob"], PARAPHRASE)) == ["erp.get_order"]
    kinds = [r.kind for r in runtime.toolbox.trail.records() if r.kind.startswith("learning.")]
    assert kinds == ["learning.accepted", "learning.dismissed"]


def test_a_message_no_skill_matched_is_taught_by_the_rephrasing_that_worked(runtime, users):
    dave = users["dave"]  # finance: sets credit limits
    events = _say(runtime, "s1", dave, "give Blue Harbor Logistics more headroom, 20000 would do")
    assert _tools(events) == [] and "not sure" in events[0].text
    limit = _say(runtime, "s1", dave, "set the credit limit of Blue Harbor Logistics to $9,000")
    assert _tools(limit) == ["erp.set_credit_limit"]
    assert _say(runtime, "s1", dave, "yes")[-1].status == "completed"
    [candidate] = _candidates(runtime, "corrected")
    assert (candidate.skill, candidate.was) == ("set_credit_limit", None)
    assert "Blue Harbor" not in candidate.text  # the customer's name is masked
    # set_credit_limit needs "credit" or "limit", which this utterance lacks: it could never match.
    with pytest.raises(ReviewRefused) as refused:
        runtime.reviews.accept(candidate.id, users["dave"])
    assert refused.value.code == "never_matches"


def test_a_plain_no_is_a_hard_example_against_the_skill(runtime, users):
    alice = users["alice"]
    assert _tools(_say(runtime, "s1", alice, f"order {PENDING} is to be scrapped")) == [
        "erp.get_order"
    ]
    assert _tools(_say(runtime, "s1", alice, f"cancel order {PENDING}")) == ["erp.cancel_order"]
    assert _say(runtime, "s1", alice, "no")[-1].status == "cancelled"
    [against] = _candidates(runtime, "rejected")
    assert (against.skill, against.text) == ("cancel_order", "cancel order")
    [stats] = [s for s in runtime.learning.skill_stats() if s.skill == "cancel_order"]
    assert (stats.runs, stats.succeeded, stats.rejections) == (1, 0, 1)


def test_unrelated_requests_in_a_row_teach_nothing(runtime, users):
    alice = users["alice"]
    _say(runtime, "s1", alice, f"order {PENDING} is to be scrapped")
    assert _tools(_say(runtime, "s1", alice, f"what's the status of {planted.DAMAGED_ORDER}")) == [
        "erp.get_order"
    ]
    assert _candidates(runtime, "corrected") == [] and _candidates(runtime, "rejected") == []


def test_only_a_skill_owner_reviews(runtime, users):
    candidate = _corrected_scrapping(runtime, users)
    for name in ("alice", "frank", "dave"):  # agent, auditor, and finance (owns refund only)
        with pytest.raises(ReviewRefused) as refused:
            runtime.reviews.accept(candidate.id, users[name])
        assert refused.value.code == "not_allowed"
    runtime.reviews.accept(candidate.id, users["erin"])
    with pytest.raises(ReviewRefused) as twice:
        runtime.reviews.accept(candidate.id, users["grace"])
    assert twice.value.code == "already_reviewed"
    with pytest.raises(ReviewRefused) as missing:
        runtime.reviews.accept("LX-NOPE", users["erin"])
    assert missing.value.code == "not_found"


def test_no_acceptance_without_the_audit_trail(runtime, users, monkeypatch):
    candidate = _corrected_scrapping(runtime, users)

    def down(*_args, **_kwargs):
        raise AuditUnavailable("the audit store is down")

    monkeypatch.setattr(runtime.toolbox.trail, "append", down)
    with pytest.raises(AuditUnavailable):
        runtime.reviews.accept(candidate.id, users["erin"])
    assert runtime.learning.get(candidate.id).status == "candidate"


def test_the_per_skill_table(runtime, users):
    alice = users["alice"]
    _corrected_scrapping(runtime, users)
    _say(runtime, "s2", alice, f"what's the status of {planted.DAMAGED_ORDER}")
    stats = {s.skill: s for s in runtime.learning.skill_stats()}
    assert (stats["order_status"].runs, stats["order_status"].succeeded) == (2, 2)
    assert stats["order_status"].corrections == 1  # the "scrapped" look-up, taken back
    assert (stats["cancel_order"].runs, stats["cancel_order"].succeeded) == (1, 1)
    assert stats["cancel_order"].median_latency_ms > 0


def test_a_question_taken_back_by_a_correction_teaches_what_was_asked(runtime, users):
    alice = users["alice"]
    answered = _say(runtime, "s1", alice, "what counts as late on an invoice?")
    assert _tools(answered) == []  # taken for a question about the documents
    listed = _say(
        runtime, "s1", alice, "no, I meant list the overdue invoices of Northwind Traders"
    )
    assert _tools(listed) == ["erp.find_invoices"]
    [candidate] = _candidates(runtime, "corrected")
    assert (candidate.skill, candidate.was) == ("find_invoices", "knowledge_question")
    assert "Northwind" not in candidate.text
    # A question followed by an unrelated request teaches nothing: only a correction links them.
    _say(runtime, "s2", alice, "what is our refund policy?")
    _say(runtime, "s2", alice, f"what's the status of {planted.DAMAGED_ORDER}")
    assert len(_candidates(runtime, "corrected")) == 1


def test_gibberish_before_a_request_teaches_nothing(runtime, users):
    alice = users["alice"]
    _say(runtime, "s1", alice, "asdf qwerty")
    assert _tools(_say(runtime, "s1", alice, f"what's the status of {planted.DAMAGED_ORDER}")) == [
        "erp.get_order"
    ]
    _say(runtime, "s2", alice, "asdf qwerty")
    assert _tools(_say(runtime, "s2", alice, f"cancel order {PENDING}")) == ["erp.cancel_order"]
    assert _say(runtime, "s2", alice, "yes")[-1].status == "completed"
    assert [e for e in runtime.learning.examples() if e.kind != "confirmed"] == []
    assert not any("asdf" in e.text for e in runtime.learning.examples())


def test_a_message_nothing_matched_then_other_work_teaches_nothing(runtime, users):
    dave = users["dave"]
    events = _say(runtime, "s1", dave, "give Blue Harbor Logistics more headroom, 20000 would do")
    assert _tools(events) == []  # unanswered: the next lookup is the next piece of work
    assert _tools(_say(runtime, "s1", dave, f"what's the status of {planted.DAMAGED_ORDER}")) == [
        "erp.get_order"
    ]
    assert _candidates(runtime, "corrected") == [] and _candidates(runtime, "rejected") == []


def test_a_follow_up_is_no_correction(runtime, users):
    alice = users["alice"]
    follow_ups = ["wait, what about invoice INV-2038 too?", "sorry, and their open cases?"]
    for n, follow_up in enumerate(follow_ups):
        asked = _say(runtime, f"f{n}", alice, f"what's the status of {planted.DAMAGED_ORDER}")
        assert _tools(asked) == ["erp.get_order"]
        more = _say(runtime, f"f{n}", alice, follow_up)
        assert len(_tools(more)) == 1 and _tools(more) != ["erp.get_order"]
        assert more[-1].status == "completed"
    # Neither a correction toward the follow-up's skill nor one against the look-up's.
    assert _candidates(runtime, "corrected") == [] and _candidates(runtime, "rejected") == []
