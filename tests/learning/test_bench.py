"""``aios bench learning`` on a small set, and the shipped set's rule: held out means unsaid."""

from __future__ import annotations

from aios.learning.bench import Conversation, LearningSet, Request, run_learning_bench
from tests.learning.test_loop import PENDING
from tests.settings import REPO


def test_the_bench_measures_a_real_improvement_on_requests_not_in_the_stream(
    demo_settings, embedder
):
    data = LearningSet(
        stream=[
            Conversation(
                said=[
                    f"order {PENDING} is to be scrapped",
                    f"no, I meant cancel order {PENDING}",
                    "yes",
                ]
            )
        ],
        held_out=[
            Request(text="SO-1027 gets scrapped", skill="cancel_order"),
            Request(text="SO-1144 gets scrapped today", skill="cancel_order"),
            Request(text="where's SO-1042 at", skill="order_status"),  # understood already
        ],
    )
    report = run_learning_bench(demo_settings, embedder, data)
    assert report.candidates == {"corrected": 1, "rejected": 1}
    assert report.accepted == 2
    assert (report.before.correct, report.after.correct) == (1, 3)
    assert report.improvement == round(3 / 3 - 1 / 3, 3)
    assert report.broken == []


def test_the_shipped_held_out_requests_are_never_said_in_the_stream():
    data = LearningSet.load(REPO / "tests" / "learning" / "stream.yaml")
    said = {text.lower() for conversation in data.stream for text in conversation.said}
    assert not [r.text for r in data.held_out if r.text.lower() in said]
    assert len(data.held_out) >= 50 and len(data.stream) >= 10
