"""Hybrid search and the extractive answerer, on the small corpus ingested once."""

from __future__ import annotations

import pytest

from aios.knowledge.answer import NOTHING_FOUND
from aios.knowledge.retriever import MAX_QUESTION_CHARS, Mode, QuestionError
from aios.knowledge.service import KnowledgeBase

pytestmark = pytest.mark.slow


@pytest.mark.parametrize(
    ("question", "source", "heading"),
    [
        (
            "Which refunds need a manager's approval?",
            "finance/refund-policy-v2.md",
            "Manager approval",
        ),
        ("Who pays shipping for returned goods?", "support/product-returns.md", "Return shipping"),
        (
            "What time is the same-day dispatch cut-off?",
            "operations/calendar.html",
            "Same-day dispatch cut-off",
        ),
        ("How long do we keep invoices?", "compliance/retention.pdf", "Retention periods"),
        ("How much do nitrile gloves cost?", "sales/prices.csv", ""),
        ("Do warehouse visitors need a vest?", "operations/visitor-notes.txt", ""),
    ],
)
def test_citations_point_at_the_right_heading(
    ingested: KnowledgeBase, question: str, source: str, heading: str
) -> None:
    hit = ingested.retriever.search(question, 3)[0]
    assert (hit.citation.source, hit.citation.heading) == (source, heading)
    assert hit.citation.title and hit.citation.snippet and hit.citation.score == hit.score
    assert hit.citation.heading_path.endswith(heading)


def test_the_snippet_is_the_matching_sentence(ingested: KnowledgeBase) -> None:
    hit = ingested.retriever.search("restocking fee for unopened goods", 1)[0]
    assert "restocking fee of 15 percent" in hit.citation.snippet


def test_superseded_documents_rank_below_their_replacement(ingested: KnowledgeBase) -> None:
    hits = ingested.retriever.search(
        "How many days after delivery can customers ask for a refund?", 5
    )
    sources = [h.citation.source for h in hits]
    current, old = (
        sources.index("finance/refund-policy-v2.md"),
        sources.index("finance/refund-policy-v1.md"),
    )
    assert current < old  # down-ranked, not removed
    assert hits[old].superseded and not hits[current].superseded


def test_a_question_naming_an_old_year_ranks_the_old_version_first(
    ingested: KnowledgeBase,
) -> None:
    hits = ingested.retriever.search(
        "In 2024, how many days after delivery could customers ask for a refund?", 5
    )
    assert hits[0].citation.source == "finance/refund-policy-v1.md"
    assert hits[0].superseded  # still marked, so an answer can say it no longer applies


def test_source_prefix_filters_hits(ingested: KnowledgeBase) -> None:
    hits = ingested.retriever.search("refund", 5, source_prefix="support/")
    assert hits and all(h.citation.source.startswith("support/") for h in hits)
    assert ingested.retriever.search("refund", 5, source_prefix="nowhere/") == []


@pytest.mark.parametrize("mode", list(Mode))
def test_each_mode_finds_an_exact_term(ingested: KnowledgeBase, mode: Mode) -> None:
    hits = ingested.retriever.search("restocking fee", 3, mode=mode)
    assert hits[0].citation.heading == "Restocking fee"
    assert (hits[0].dense_similarity is None) == (mode is Mode.LEXICAL)
    assert (hits[0].lexical_score is None) == (mode is Mode.DENSE)


@pytest.mark.parametrize("question", ["", "   ", "x" * (MAX_QUESTION_CHARS + 1)])
def test_empty_and_overlong_questions_are_refused(ingested: KnowledgeBase, question: str) -> None:
    with pytest.raises(QuestionError):
        ingested.retriever.search(question)
    with pytest.raises(QuestionError):
        ingested.answerer.answer(question)


def test_the_longest_allowed_question_is_accepted(ingested: KnowledgeBase) -> None:
    question = ("refund window " * 200)[:MAX_QUESTION_CHARS]
    assert ingested.retriever.search(question, 1)


def test_the_answer_quotes_the_passage_with_its_citation(ingested: KnowledgeBase) -> None:
    answer = ingested.answerer.answer("Does a $7,000 refund need a manager?")
    assert answer.found
    top = answer.passages[0]
    assert top.citation.heading == "Manager approval"
    assert "$5,000.00 need a manager's approval" in top.text
    assert "Refund Policy v2" in answer.message and not top.superseded


@pytest.mark.parametrize(
    "question",
    ["What's the weather forecast for Chicago tomorrow?", "Who won the football world cup?"],
)
def test_unanswerable_questions_find_nothing(ingested: KnowledgeBase, question: str) -> None:
    answer = ingested.answerer.answer(question)
    assert not answer.found and answer.passages == []
    assert answer.message == NOTHING_FOUND


def test_an_empty_knowledge_base_finds_nothing(base: KnowledgeBase) -> None:
    assert base.retriever.search("refund window") == []
    assert not base.answerer.answer("What is the refund window?").found
