"""Query expansion from the domain vocabulary, and table rows as sentences."""

from __future__ import annotations

import pytest

from aios.knowledge.expansion import QueryExpander, Vocabulary
from aios.knowledge.models import Chunk
from aios.knowledge.retriever import Mode
from aios.knowledge.service import KnowledgeBase
from aios.knowledge.tables import linearize_tables

VOCABULARY = Vocabulary({"refund": ["money back", "give back"], "discount": ["percent off"]})


@pytest.mark.parametrize(
    ("question", "expanded"),
    [
        ("Can they still get their money back?", "Can they still get their money back? refund"),
        ("Can we give the customer $45 back?", "Can we give the customer $45 back? refund"),
        ("Is 18% off allowed?", "Is 18% off allowed? discount"),
        ("Money back, or 10 percent off?", "Money back, or 10 percent off? refund discount"),
    ],
)
def test_phrases_add_their_document_term(question: str, expanded: str) -> None:
    assert QueryExpander(VOCABULARY).expand(question) == expanded


@pytest.mark.parametrize(
    "question",
    ["Give the new account manager a call and come back later", "Where is my money?", ""],
)
def test_unrelated_or_far_apart_words_add_nothing(question: str) -> None:
    assert QueryExpander(VOCABULARY).expand(question) == question


def test_the_shipped_vocabulary_loads_and_expands() -> None:
    expander = QueryExpander()
    assert expander.expand("I'm taking over this key account").endswith("handover")


def test_a_paraphrase_finds_the_document_lexically(ingested: KnowledgeBase) -> None:
    hits = ingested.retriever.search(
        "How many days do customers have to get their money back?", 3, mode=Mode.LEXICAL
    )
    assert hits[0].citation.heading == "Refund window"


TABLE = """Refunds are approved as follows.

| Refund amount | Who must approve |
|---|---|
| Up to $500.00 | Nobody else |
| Above $500.00 | A second person |"""


def test_tables_read_as_one_sentence_per_row() -> None:
    assert linearize_tables(TABLE) == (
        "Refunds are approved as follows.\n\n"
        "Up to $500.00: Who must approve: Nobody else\n"
        "Above $500.00: Who must approve: A second person"
    )


def test_chunks_embed_their_table_rows_but_show_the_table() -> None:
    chunk = Chunk(
        id="x",
        source="finance/refunds.md",
        title="Refunds",
        heading="Approval thresholds",
        heading_path="Refunds > Approval thresholds",
        text=TABLE,
    )
    assert "Above $500.00: Who must approve: A second person" in chunk.embed_text
    assert "|" not in chunk.embed_text
    assert chunk.text == TABLE
