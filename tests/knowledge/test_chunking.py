"""Chunks never cross a heading, respect their size, and keep stable ids."""

from __future__ import annotations

from aios.knowledge.chunking import ChunkingConfig, chunk_document, chunk_id
from aios.knowledge.models import DocumentMeta, LoadedDocument, Section


def document(*sections: Section, superseded_by: str | None = None) -> LoadedDocument:
    return LoadedDocument(
        meta=DocumentMeta(title="Guide", version="1", superseded_by=superseded_by),
        sections=list(sections),
    )


def sentences(count: int, word: str) -> str:
    return " ".join(f"Sentence {i} is about {word} and nothing else." for i in range(count))


def test_chunks_never_cross_a_heading_and_carry_its_path() -> None:
    doc = document(
        Section(heading_path=["Guide", "Alpha"], text="Short alpha text."),
        Section(heading_path=["Guide", "Beta"], text="Short beta text."),
    )
    chunks = chunk_document(doc, "a/guide.md")
    assert [(c.heading, c.heading_path, c.text) for c in chunks] == [
        ("Alpha", "Guide > Alpha", "Short alpha text."),
        ("Beta", "Guide > Beta", "Short beta text."),
    ]
    assert chunks[0].embed_text == "Guide > Alpha\nShort alpha text."
    assert chunks[0].metadata()["source"] == "a/guide.md"


def test_long_sections_split_at_sentences_within_size_with_overlap() -> None:
    config = ChunkingConfig(max_chars=300, overlap_chars=80, min_chars=50)
    doc = document(Section(heading_path=["Guide", "Long"], text=sentences(20, "apples")))
    chunks = chunk_document(doc, "guide.md", config)
    assert len(chunks) > 2
    assert all(len(c.text) <= config.max_chars for c in chunks)
    assert all(c.heading == "Long" for c in chunks)
    # each later chunk repeats the last sentence of the one before it
    last_sentence = chunks[0].text.split(". ")[-1]
    assert chunks[1].text.startswith(f"… {last_sentence}")


def test_long_markdown_tables_repeat_their_header() -> None:
    rows = "\n".join(f"| item {i} | {i * 10} dollars |" for i in range(40))
    table = f"| Item | Price |\n|---|---|\n{rows}"
    doc = document(Section(heading_path=["Prices"], text=table))
    chunks = chunk_document(doc, "p.md", ChunkingConfig(max_chars=300, overlap_chars=0))
    assert len(chunks) > 1
    assert all(c.text.startswith("| Item | Price |\n|---|---|") for c in chunks)


def test_ids_are_stable_and_depend_on_source_heading_and_ordinal() -> None:
    doc = document(Section(heading_path=["Guide", "A"], text="Text."))
    first = chunk_document(doc, "guide.md")[0].id
    assert first == chunk_document(doc, "guide.md")[0].id == chunk_id("guide.md", "Guide > A", 0)
    assert first != chunk_document(doc, "other.md")[0].id
    assert first != chunk_id("guide.md", "Guide > A", 1)


def test_editing_one_section_keeps_the_other_sections_ids() -> None:
    before = document(
        Section(heading_path=["A"], text="Alpha."), Section(heading_path=["B"], text="Beta.")
    )
    after = document(
        Section(heading_path=["A"], text="Alpha, revised and longer."),
        Section(heading_path=["B"], text="Beta."),
    )
    old, new = chunk_document(before, "g.md"), chunk_document(after, "g.md")
    assert [c.id for c in old] == [c.id for c in new]
    assert old[1] == new[1]


def test_superseded_documents_mark_their_chunks() -> None:
    doc = document(Section(heading_path=["A"], text="Old."), superseded_by="g2.md")
    assert chunk_document(doc, "g.md")[0].superseded is True
