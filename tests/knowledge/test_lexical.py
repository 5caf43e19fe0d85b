"""The BM25 side: tokenizing, stemming, masks, and saving and loading the index."""

from __future__ import annotations

from pathlib import Path

from aios.knowledge.lexical import LexicalIndex, LexicalRow, stem, tokenize


def test_stemming_meets_word_forms() -> None:
    assert {stem(w) for w in ("approve", "approved", "approval", "approvals")} == {"approv"}
    assert stem("policies") == stem("policy")
    assert stem("refunds") == stem("refunded") == "refund"
    assert stem("addresses") == stem("address")


def test_tokenize_drops_stop_words_keeps_numbers() -> None:
    assert tokenize("What is the refund window of 90 days?") == ["refund", "window", "90", "day"]


def rows() -> list[LexicalRow]:
    return [
        LexicalRow("a", "finance/refunds.md", False, "Refunds are approved by finance."),
        LexicalRow("b", "finance/old.md", True, "Refunds were approved by a manager."),
        LexicalRow("c", "support/returns.md", False, "Returned goods are inspected."),
    ]


def test_search_ranks_and_masks() -> None:
    index = LexicalIndex.build(rows(), generation=3)
    assert [index.ids[row] for row, _ in index.search("approved refunds", 5)] in (
        ["a", "b"],
        ["b", "a"],
    )
    mask = index.source_mask("support/")
    assert [index.ids[row] for row, _ in index.search("refunds goods", 5, mask)] == ["c"]
    assert index.search("weather", 5) == []


def test_save_and_load_round_trip(tmp_path: Path) -> None:
    index = LexicalIndex.build(rows(), generation=3)
    index.save(tmp_path / "bm25")
    assert LexicalIndex.saved_generation(tmp_path / "bm25") == 3
    loaded = LexicalIndex.load(tmp_path / "bm25")
    assert loaded is not None
    assert loaded.ids == index.ids and list(loaded.superseded) == [False, True, False]
    assert loaded.search("inspected", 1)[0][0] == 2


def test_an_empty_index_finds_nothing(tmp_path: Path) -> None:
    index = LexicalIndex.build([], generation=1)
    assert index.search("anything", 5) == []
    index.save(tmp_path / "bm25")
    loaded = LexicalIndex.load(tmp_path / "bm25")
    assert loaded is not None and len(loaded) == 0


def test_a_rebuild_tokenises_only_the_rows_whose_text_changed() -> None:
    first = LexicalIndex.build(rows(), generation=1)
    assert first.tokenized == 3
    a, b, _ = rows()
    edited = LexicalRow(b.id, b.source, b.superseded, "Refunds are approved by the board.")
    added = LexicalRow("d", "support/exchanges.md", False, "Exchanges are free.")
    second = LexicalIndex.build([a, edited, added], generation=2, previous=first.terms())
    assert second.tokenized == 2  # b (its text changed) and d (new); a's tokens were reused
    assert second.ids == ["a", "b", "d"]
    assert [second.ids[row] for row, _ in second.search("board", 5)] == ["b"]
    assert second.search("manager", 5) == [] and second.search("inspected", 5) == []
    assert [second.ids[row] for row, _ in second.search("exchanges", 5)] == ["d"]


def test_saved_tokens_are_reused_after_a_reload(tmp_path: Path) -> None:
    index = LexicalIndex.build(rows(), generation=3)
    index.save(tmp_path / "bm25")
    loaded = LexicalIndex.load(tmp_path / "bm25")
    assert loaded is not None and loaded.terms() == index.terms()
    assert LexicalIndex.build(rows(), generation=4, previous=loaded.terms()).tokenized == 0
