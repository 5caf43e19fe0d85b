"""Policy questions are answered from the company's documents, with citations."""

from __future__ import annotations

import pytest

from aios.assistant.factory import build_runtime
from aios.knowledge.index import KnowledgeIndex
from tests.settings import REPO


@pytest.fixture
def indexed(demo_settings, embedder):
    index = KnowledgeIndex(demo_settings.data_dir, embedder)
    index.ingest([REPO / "knowledge" / "finance"], REPO / "knowledge")
    index.close()
    return demo_settings


def test_a_policy_question_is_answered_with_citations(indexed, embedder, users):
    runtime = build_runtime(indexed, embedder=embedder)
    events = list(
        runtime.assistant.handle("k1", users["alice"], "who has to approve a refund above $500?")
    )
    message = next(e for e in events if e.type == "message")
    assert message.citations
    assert message.citations[0].source.startswith("finance/refund-policy")
    assert "finance" in message.text.lower()
    assert events[-1].status == "completed"


def test_a_question_the_documents_do_not_answer_says_so(indexed, embedder, users):
    runtime = build_runtime(indexed, embedder=embedder)
    events = list(
        runtime.assistant.handle("k2", users["alice"], "what will the weather be tomorrow?")
    )
    message = next(e for e in events if e.type == "message")
    assert "couldn't find" in message.text
    assert not message.citations
