"""The ``aios knowledge`` and ``aios bench`` sub-apps, driven as a user would, on temp dirs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
import yaml
from typer.testing import CliRunner, Result

from aios.cli import bench, knowledge
from aios.cli.knowledge import KnowledgeDeps
from aios.knowledge.embedder import Embedder
from aios.settings import Settings

pytestmark = pytest.mark.slow

runner = CliRunner()


@pytest.fixture
def deps(tmp_path: Path, embedder: Embedder, corpus: Path) -> KnowledgeDeps:
    settings = Settings(data_dir=tmp_path / "data", knowledge_dir=corpus)
    return KnowledgeDeps(settings=settings, embedder=embedder)


def run(app: typer.Typer, deps: KnowledgeDeps, *args: str) -> Result:
    return runner.invoke(app, list(args), obj=deps)


def test_ingest_then_search_then_ask(deps: KnowledgeDeps) -> None:
    first = run(knowledge.app, deps, "ingest", "--json")
    assert first.exit_code == 0, first.output
    report = json.loads(first.stdout)
    assert len(report["added"]) == 7 and report["chunks_written"] > 7

    again = run(knowledge.app, deps, "ingest")
    assert again.exit_code == 0
    assert "unchanged" in again.stdout and "7" in again.stdout

    found = run(
        knowledge.app,
        deps,
        "search",
        "refund window",
        "-k",
        "2",
        "--json",
        "--source-prefix",
        "finance/",
    )
    hits = json.loads(found.stdout)
    assert len(hits) == 2
    assert all(h["citation"]["source"].startswith("finance/") for h in hits)
    assert hits[0]["citation"]["heading"] == "Refund window"

    shown = run(knowledge.app, deps, "search", "Who pays for return shipping?")
    assert "Product Returns Policy > Return shipping" in shown.stdout

    answer = run(knowledge.app, deps, "ask", "Does a $7,000 refund need a manager?")
    assert answer.exit_code == 0
    assert "Manager approval" in answer.stdout and "finance/refund-policy-v2.md" in answer.stdout

    nothing = run(knowledge.app, deps, "ask", "Who won the football world cup?", "--json")
    assert json.loads(nothing.stdout)["found"] is False


def test_ingest_reports_skipped_files(deps: KnowledgeDeps, corpus: Path) -> None:
    (corpus / "broken.md").write_bytes(b"\x00\x01\x02")
    result = run(knowledge.app, deps, "ingest")
    assert result.exit_code == 0
    assert "skipped broken.md: binary content" in " ".join(result.stdout.split())


@pytest.mark.parametrize("question", ["", "y" * 2001])
def test_bad_questions_exit_with_an_error(deps: KnowledgeDeps, question: str) -> None:
    result = run(knowledge.app, deps, "search", question)
    assert result.exit_code == 2
    assert "question" in result.stderr.lower()


def test_search_before_any_ingest_says_so(deps: KnowledgeDeps) -> None:
    result = run(knowledge.app, deps, "search", "refund window")
    assert result.exit_code == 0
    assert "aios knowledge ingest" in result.stdout


def test_bench_retrieval_prints_the_figures(deps: KnowledgeDeps, tmp_path: Path) -> None:
    questions = tmp_path / "questions.yaml"
    labelled = [
        {
            "id": "q1",
            "question": "Who pays for return shipping?",
            "split": "test",
            "source": "support/product-returns.md",
            "heading": "Return shipping",
        },
        {
            "id": "q2",
            "question": "What is the restocking fee?",
            "split": "test",
            "source": "support/product-returns.md",
            "heading": "Restocking fee",
        },
        {
            "id": "q3",
            "question": "When is the dispatch cut-off?",
            "split": "dev",
            "source": "operations/calendar.html",
            "heading": "Same-day dispatch cut-off",
        },
    ]
    labelled.append(
        {
            "id": "q4",
            "question": "How many days after delivery can a customer ask for a refund?",
            "split": "test",
            "source": "finance/refund-policy-v2.md",
            "heading": "Refund window",
            "older": "finance/refund-policy-v1.md",
        }
    )
    unanswerable = ["Who won the football world cup?"]
    questions.write_text(yaml.safe_dump({"questions": labelled, "unanswerable": unanswerable}))
    result = run(
        bench.app,
        deps,
        "retrieval",
        "--questions",
        str(questions),
        "--scale",
        "300",
        "--store",
        "embedded",
        "--queries",
        "5",
        "--json",
    )
    assert result.exit_code == 0, result.output
    figures = json.loads(result.stdout)
    quality = figures["retrieval"]
    assert quality["questions"] == 3
    assert quality["current_over_older"] == 1.0
    assert quality["hybrid"]["recall_at_5"] == 1.0
    assert set(quality["dense"]) == {"recall_at_1", "recall_at_5", "mrr"}
    assert quality["latency"]["p95_ms"] > 0
    assert quality["ingestion"]["ratio"] > 0
    assert quality["answerer"]["unanswerable_refused"] == 1.0
    [at_scale] = figures["scale"]
    assert (at_scale["chunks"], at_scale["store"]) == (300, "embedded")
    assert {f["prefix"] for f in at_scale["filtered"]} == {"finance/", "legal/"}
    assert at_scale["vector_query"]["queries"] == 5
