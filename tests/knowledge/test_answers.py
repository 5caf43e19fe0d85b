"""The answer a person reads: the sentence that answers first, tables as tables, what changed
between versions, and no passage twice. On the shipped documents, with the real model."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from aios.knowledge.embedder import Embedder
from aios.knowledge.models import Answer
from aios.knowledge.reply import answer_markdown
from aios.knowledge.service import KnowledgeBase
from tests.settings import REPO


@pytest.fixture(scope="module")
def company(
    tmp_path_factory: pytest.TempPathFactory, embedder: Embedder
) -> Iterator[KnowledgeBase]:
    """The demo company's documents, ingested once for the module."""
    base = KnowledgeBase.open(tmp_path_factory.mktemp("answers"), embedder)
    base.index.ingest([], REPO / "knowledge")
    yield base
    base.close()


def ask(base: KnowledgeBase, question: str) -> Answer:
    return base.answerer.answer(question)


def test_how_many_days_is_answered_with_the_duration_first(company: KnowledgeBase) -> None:
    answer = ask(company, "how many days do we have to refund a delivery?")
    assert answer.direct is not None
    assert "90 days" in answer.direct.text
    shown = answer_markdown(answer)
    assert shown.startswith(f"**{answer.direct.text}**")
    assert answer.direct.citation.source in shown.split("\n")[0]


def test_who_approves_is_answered_by_the_band_the_amount_falls_in(
    company: KnowledgeBase,
) -> None:
    answer = ask(company, "Who has to approve a $7,500 refund?")
    assert answer.direct is not None
    assert "manager" in answer.direct.text.lower()
    assert "$5,000.00" in answer.direct.text


def test_a_table_row_answer_carries_its_header(company: KnowledgeBase) -> None:
    answer = ask(company, "What's the SLA for an urgent case from a platinum customer?")
    assert answer.direct is not None and answer.direct.table
    header, separator, row = answer.direct.text.split("\n")
    assert header.startswith("| Tier | Urgent")
    assert set(separator) <= set("|-: ")
    assert row.startswith("| Platinum | 4 h")
    # Shown as a table of its own, never inside a quote: nothing before it on its lines.
    lines = answer_markdown(answer).split("\n")
    assert lines[0] == header and lines[1] == separator and "**Platinum**" in lines[2]
    assert lines[3] == ""


def test_an_answer_from_a_changed_rule_says_what_changed_and_since_when(
    company: KnowledgeBase,
) -> None:
    answer = ask(company, "how long do customers have to ask for a refund?")
    assert answer.direct is not None and "90 days" in answer.direct.text
    assert answer.change is not None
    assert "2026-03-01" in answer.change
    assert "60" in answer.change
    # Only the change that concerns the answer, not the whole list.
    assert "$250" not in answer.change and "case note" not in answer.change


def test_an_answer_from_a_superseded_document_says_what_applies_now(
    company: KnowledgeBase,
) -> None:
    answer = ask(company, "What was the senior agent discount limit in 2025?")
    assert answer.direct is not None and "7%" in answer.direct.text
    assert answer.change is not None
    assert "No longer in force" in answer.change and "2026-01-01" in answer.change
    assert "10%" in answer.change


def test_an_unchanged_rule_gets_no_change_note(company: KnowledgeBase) -> None:
    answer = ask(company, "Is an auditor allowed to raise a refund for a customer?")
    assert answer.direct is not None and "Auditors" in answer.direct.text
    assert answer.change is None


@pytest.mark.parametrize(
    "question",
    [
        "how many days do we have to refund a delivery?",
        "Who has to approve a $7,500 refund?",
        "What's the SLA for an urgent case from a platinum customer?",
        "Can a customer pay a $14,000 invoice with their corporate card?",
    ],
)
def test_no_passage_is_shown_twice(company: KnowledgeBase, question: str) -> None:
    answer = ask(company, question)
    quotes = [answer.direct, *answer.supporting]
    texts = [q.text for q in quotes if q is not None]
    assert len(texts) == len(set(texts))
    assert len(answer.supporting) <= 2
    shown = answer_markdown(answer)
    for text in texts:
        assert shown.replace("**", "").count(_plain(text)) == 1
    ids = [hit.chunk_id for hit in answer.passages]
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize(
    ("question", "figure"),
    [
        ("What is the last dispatch day before Christmas?", "2026-12-23"),
        ("What does a case of nitrile gloves cost?", "84.00"),
    ],
)
def test_the_reply_keeps_the_figure_asked_for(
    company: KnowledgeBase, question: str, figure: str
) -> None:
    """The passage states the date or the price: the reply must too, in the answer or in a
    quote after it, whatever sentence was picked as the answer."""
    answer = ask(company, question)
    assert answer.direct is not None
    assert figure in "\n".join(q.text for q in [answer.direct, *answer.supporting])
    assert figure in answer_markdown(answer)


def test_nothing_found_is_said_plainly(company: KnowledgeBase) -> None:
    answer = ask(company, "What is the parental leave policy?")
    assert not answer.found and answer.direct is None
    assert answer_markdown(answer) == answer.message


def _plain(text: str) -> str:
    """A quote as it reads in the reply: a table by its row (the header may repeat)."""
    return text.split("\n")[-1]


def test_the_labelled_answers_are_well_formed() -> None:
    from aios.knowledge.bench_answers import AnswerSet

    answers = AnswerSet.load(Path(REPO / "tests/knowledge_questions/answers.yaml"))
    assert len(answers.split("dev")) >= 40 and len(answers.split("test")) >= 40
    for label in answers.questions:
        assert (REPO / "knowledge" / label.source).is_file(), label.id
