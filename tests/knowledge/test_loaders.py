"""Each loader on real small files, and the bad inputs every loader must refuse with a reason."""

from __future__ import annotations

from pathlib import Path

import pytest

from aios.knowledge.loaders import SkipFile, load_file
from aios.knowledge.loaders._read import read_bytes
from aios.knowledge.models import LoadedDocument
from tests.knowledge.corpus import write_corpus, write_pdf


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    return write_corpus(tmp_path / "knowledge")


def paths(document: LoadedDocument) -> list[str]:
    return [" > ".join(s.heading_path) for s in document.sections]


def test_markdown_front_matter_and_headings(corpus: Path) -> None:
    doc = load_file(corpus / "finance/refund-policy-v2.md")
    assert doc.meta.title == "Refund Policy v2"
    assert doc.meta.version == "2.0"  # a string as written, not the float 2.0
    assert doc.meta.effective == "2026-03-01"
    assert doc.meta.owner == "Finance Operations"
    assert doc.meta.supersedes == ["finance/refund-policy-v1.md"]
    assert paths(doc) == [
        "Refund Policy v2",
        "Refund Policy v2 > Refund window",
        "Refund Policy v2 > Approval thresholds",
        "Refund Policy v2 > Approval thresholds > Manager approval",
    ]
    old = load_file(corpus / "finance/refund-policy-v1.md")
    assert old.meta.superseded_by == "finance/refund-policy-v2.md"


def test_markdown_setext_headings_and_code_fences(tmp_path: Path) -> None:
    path = tmp_path / "guide.md"
    path.write_text(
        "Guide\n=====\n\nIntro.\n\nSetup\n-----\n\n```bash\n# not a heading\nmake\n```\n"
    )
    doc = load_file(path)
    assert doc.meta.title == "Guide"
    assert paths(doc) == ["Guide", "Guide > Setup"]
    assert "# not a heading" in doc.sections[1].text


def test_html_headings_tables_and_meta(corpus: Path) -> None:
    doc = load_file(corpus / "operations/calendar.html")
    assert doc.meta.title == "Shipping Calendar 2026"
    assert doc.meta.version == "2026.1"
    assert paths(doc) == [
        "Shipping Calendar 2026 > Same-day dispatch cut-off",
        "Shipping Calendar 2026 > Public holidays",
    ]
    # A Markdown table, header first: a row is then quoted with its column names.
    lines = doc.sections[1].text.split("\n")
    header = next(i for i, line in enumerate(lines) if line.startswith("| "))
    assert set(lines[header + 1]) <= set("|-")
    assert "| 2026-07-03 | Independence Day (observed) |" in lines[header + 2 :]
    assert all("tracking" not in s.text for s in doc.sections)


def test_plain_text_is_titled_from_its_name(corpus: Path) -> None:
    doc = load_file(corpus / "operations/visitor-notes.txt")
    assert doc.meta.title == "Visitor notes"
    assert "high-visibility vest" in doc.sections[0].text


def test_csv_rows_carry_their_column_names(corpus: Path) -> None:
    doc = load_file(corpus / "sales/prices.csv")
    assert doc.meta.title == "Prices"
    # grouped by the category column: safety rows, then office rows; no headings in a table
    assert [s.heading_path for s in doc.sections] == [[], []]
    first = doc.sections[0].text.splitlines()[0]
    assert first.startswith("sku: SKU-SF-001; name: Nitrile gloves")
    assert "price_usd: 84.00" in first
    assert all(s.atomic for s in doc.sections)


def test_pdf_headings_from_typography(corpus: Path) -> None:
    doc = load_file(corpus / "compliance/retention.pdf")
    assert doc.meta.title == "Records Retention Summary"
    assert doc.meta.version == "3.0"
    assert paths(doc) == [
        "Records Retention Summary > Retention periods",
        "Records Retention Summary > Data incidents",
    ]
    assert "seven years" in doc.sections[0].text


def test_pdf_without_headings_falls_back_to_pages(tmp_path: Path) -> None:
    doc = load_file(write_pdf(tmp_path / "flat.pdf", headings=False))
    assert doc.meta.title == "Records Retention Summary"  # from the PDF's info
    assert paths(doc) == ["Page 1"]


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("empty.md", b"", "empty file"),
        ("blank.txt", b"  \n\n ", "empty file"),
        ("binary.md", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary content"),
        ("latin1.txt", "caf\u00e9 cr\u00e8me".encode("latin-1"), "not UTF-8"),
        ("fake.pdf", b"this is not a pdf at all", "not a PDF"),
        ("broken.md", b"---\ntitle: [unclosed\n---\n# Body\n", "front matter is not valid YAML"),
        ("nofront.md", b"---\ntitle: x\n# never closed\n", "never closed"),
        ("header-only.csv", b"sku,name\n", "no rows"),
        ("image.png", b"\x89PNG", "unsupported file type"),
        ("only-front.md", b"---\ntitle: Nothing\n---\n", "no text content"),
    ],
)
def test_bad_files_are_refused_with_a_reason(
    tmp_path: Path, name: str, content: bytes, reason: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(SkipFile) as caught:
        load_file(path)
    assert reason in caught.value.reason


def test_huge_files_are_refused_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    path.write_bytes(b"a" * 2048)
    with pytest.raises(SkipFile, match="too large"):
        read_bytes(path, max_bytes=1024)


def test_unreadable_files_are_refused(tmp_path: Path) -> None:
    with pytest.raises(SkipFile, match="unreadable"):
        read_bytes(tmp_path / "missing.md")
