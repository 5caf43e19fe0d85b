"""``aios bench``: measurements of aios itself: retrieval, turns, the API, safety, voice."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.console import Console
from rich.table import Table

from aios.api.bench import Backend
from aios.cli.knowledge import KnowledgeDeps
from aios.settings import Settings

# Each bench imports what it measures when it runs (the assistant, Chroma, the planner, the
# speech models): ``aios --help`` and the other commands start without any of it.
if TYPE_CHECKING:
    from aios.knowledge.bench import RetrievalBench
    from aios.knowledge.bench_scale import ScaleBench

app = typer.Typer(help="Benchmarks of aios.", no_args_is_help=True)

DEFAULT_QUESTIONS = Path("tests/knowledge_questions/questions.yaml")
DEFAULT_ANSWERS = Path("tests/knowledge_questions/answers.yaml")
DEFAULT_INJECTIONS = Path("tests/governance/injections.yaml")
DEFAULT_LEARNING = Path("tests/learning/stream.yaml")
DEFAULT_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


class StoreChoice(StrEnum):
    """The values of ``aios.knowledge.bench_scale.Store``, named again here because that module
    brings Chroma with it (a test holds the two equal)."""

    EMBEDDED = "embedded"
    SERVER = "server"


@app.callback()
def bench() -> None:
    """Benchmarks of aios (each prints JSON with --json)."""


@app.command()
def retrieval(
    ctx: typer.Context,
    questions: Path = typer.Option(DEFAULT_QUESTIONS, help="Labelled questions (YAML)."),
    knowledge_dir: Path | None = typer.Option(
        None, help="The documents to index (default: the knowledge_dir setting)."
    ),
    split: str = typer.Option("test", help="Which split to score: test, dev or all."),
    scale: list[int] = typer.Option(
        [], min=100, help="Also time queries on a synthetic collection of this many chunks."
    ),
    store: list[StoreChoice] = typer.Option(
        list(StoreChoice),
        "--store",
        help="Where the scale run keeps the vectors: embedded, and/or on a Chroma server "
        "(AIOS_CHROMA_URL, in a collection of the run's own, else one started for the run).",
    ),
    queries: int = typer.Option(100, min=1, help="Timed queries per setting in the scale run."),
    as_json: bool = typer.Option(False, "--json", help="Print the results as JSON."),
) -> None:
    """Recall@1/5 and MRR (dense, lexical, hybrid), latency, ingestion throughput."""
    from aios.knowledge.bench import QuestionSet, run_retrieval_bench
    from aios.knowledge.bench_scale import Store, run_scale_benches

    if not questions.is_file():
        Console(stderr=True).print(f"[red]No questions file at {questions}[/red]")
        raise typer.Exit(2)
    deps = ctx.find_object(KnowledgeDeps) or KnowledgeDeps(settings=Settings())
    embedder = deps.get_embedder()
    knowledge_dir = knowledge_dir or deps.settings.knowledge_dir
    result = run_retrieval_bench(embedder, knowledge_dir, QuestionSet.load(questions), split=split)
    at_scale = run_scale_benches(
        embedder,
        scale,
        [Store(s.value) for s in store],
        chroma_url=deps.settings.chroma_url,
        queries=queries,
    )
    if as_json:
        payload = {"retrieval": result.model_dump(), "scale": [s.model_dump() for s in at_scale]}
        typer.echo(_json(payload))
        return
    _print(result, at_scale)


@app.command()
def answers(
    ctx: typer.Context,
    labelled: Path = typer.Option(DEFAULT_ANSWERS, "--answers", help="Labelled answers (YAML)."),
    knowledge_dir: Path | None = typer.Option(
        None, help="The documents to index (default: the knowledge_dir setting)."
    ),
    misses: bool = typer.Option(False, help="List the questions whose answer missed the fact."),
    as_json: bool = typer.Option(False, "--json", help="Print the results as JSON."),
) -> None:
    """Share of answers whose first sentence states the labelled fact (dev and held-out test
    halves), anywhere in the reply, with the right citation; unanswerable questions declined."""
    from aios.knowledge.bench_answers import AnswerSet, run_answer_bench

    if not labelled.is_file():
        Console(stderr=True).print(f"[red]No labelled answers at {labelled}[/red]")
        raise typer.Exit(2)
    deps = ctx.find_object(KnowledgeDeps) or KnowledgeDeps(settings=Settings())
    knowledge_dir = knowledge_dir or deps.settings.knowledge_dir
    result = run_answer_bench(deps.get_embedder(), knowledge_dir, AnswerSet.load(labelled))
    payload = result.model_dump(exclude=set() if misses else {"misses"})
    if as_json:
        typer.echo(_json(payload))
        return
    table = Table(title="Answers")
    for column in ("split", "questions", "fact first", "fact anywhere", "cited", "passage first"):
        table.add_column(column)
    for name, scores in result.splits.items():
        table.add_row(
            name,
            str(scores.questions),
            f"{scores.fact_first:.3f}",
            f"{scores.fact_anywhere:.3f}",
            f"{scores.citation_correct:.3f}",
            f"{scores.passage_first:.3f}",
        )
    console = Console()
    console.print(table)
    console.print(
        f"unanswerable declined {result.unanswerable_declined:.0%} of {result.unanswerable};"
        f" p50 {result.latency.p50_ms} ms, p95 {result.latency.p95_ms} ms"
    )
    for name, missed in result.misses.items() if misses else ():
        for miss in missed:
            console.print(f"[dim]{name} {miss.id}[/] {miss.question} → {miss.answered[:120]!r}")


@app.command()
def turn(
    ctx: typer.Context,
    runs: int = typer.Option(30, min=3, help="Timed turns of each kind."),
) -> None:
    """Turn latency (a lookup, a confirmed write) next to the floor measured in the same run."""
    from aios.assistant.bench import run_turn_bench

    deps = ctx.find_object(KnowledgeDeps) or KnowledgeDeps(settings=Settings())
    result = run_turn_bench(deps.settings, deps.get_embedder(), runs=runs)
    typer.echo(result.model_dump_json(indent=2))


@app.command()
def api(
    ctx: typer.Context,
    clients: list[int] = typer.Option([1, 10, 20, 50], "--clients", help="Concurrent sessions."),
    turns: int = typer.Option(10, min=1, help="Turns each client takes."),
    think: float = typer.Option(
        0.0,
        min=0.0,
        help="Mean seconds each session pauses before a turn, as an operator reading the reply "
        "and typing the next request (0: the next turn as soon as the reply is in).",
    ),
    backend: list[Backend] = typer.Option(list(Backend), "--backend", help="State backends."),
    workers: list[int] = typer.Option([1, 2], "--workers", help="Worker processes."),
    postgres: str = typer.Option(
        DEFAULT_POSTGRES,
        envvar="AIOS_TEST_POSTGRES_URL",
        help="PostgreSQL server where each configuration gets a scratch database (dropped after).",
    ),
) -> None:
    """Turns/s and p50/p95 latency of real API worker processes with that many clients at
    once, per backend and number of workers, and each worker's memory, as JSON."""
    from aios.api.bench import run_api_bench

    deps = ctx.find_object(KnowledgeDeps) or KnowledgeDeps(settings=Settings())
    result = run_api_bench(
        deps.settings,
        backends=backend,
        workers=workers,
        levels=clients,
        turns=turns,
        postgres_url=postgres,
        think_s=think,
    )
    typer.echo(result.model_dump_json(indent=2))


@app.command()
def embeddings(
    ctx: typer.Context,
    runs: int = typer.Option(2, min=1, help="Processes per backend; medians are reported."),
    as_json: bool = typer.Option(False, "--json", help="Print the results as JSON."),
) -> None:
    """The embedding model on onnxruntime next to torch: a short message's latency, corpus
    throughput, load time and memory, each backend in fresh processes of the same run."""
    from aios.knowledge.bench_embeddings import run_embeddings_bench

    settings = Settings()
    result = run_embeddings_bench(
        settings.knowledge_dir, settings.skills_dir, settings.models_dir, runs=runs
    )
    if as_json:
        typer.echo(result.model_dump_json(indent=2))
        return
    table = Table(title=f"Embeddings, median of {runs} (min cosine {result.min_cosine})")
    for column in ("backend", "load s", "RSS MiB", "query p50 ms", "chunks/s"):
        table.add_column(column)
    for row in result.backends:
        figures = (row.load_s, row.rss_loaded_mib, row.query_p50_ms, row.corpus_texts_per_s)
        table.add_row(row.backend, *(str(f) for f in figures))
    Console().print(table)
    typer.echo(f"torch / onnx: {result.speedup}")


@app.command()
def startup(
    runs: int = typer.Option(5, min=3, help="Starts of each command; the median is reported."),
    as_json: bool = typer.Option(False, "--json", help="Print the results as JSON."),
) -> None:
    """Seconds and peak memory of commands that need no model (and of --help), next to a bare
    Python start measured in the same run, on a throw-away copy of the demo data."""
    from aios.cli.startup_bench import run_startup_bench

    result = run_startup_bench(Settings(), runs=runs)
    if as_json:
        typer.echo(result.model_dump_json(indent=2))
        return
    table = Table(title=f"Start-up, median of {runs} ({result.floor_s} s for a bare Python)")
    for column in ("command", "seconds", "times bare Python", "peak MiB"):
        table.add_column(column)
    for row in result.commands:
        table.add_row(row.command, f"{row.median_s}", f"{row.ratio}", f"{row.peak_rss_mib}")
    Console().print(table)


@app.command()
def audit(
    rows: int = typer.Option(100_000, min=1_000, help="Rows of the chain verify reads."),
    appends: int = typer.Option(1_000, min=10, help="Timed appends, single and threaded."),
    threads: int = typer.Option(4, min=2, help="Threads appending at once."),
) -> None:
    """Audit appends/s (one writer, several at once) and verify's rows/s, on SQLite."""
    from aios.audit.bench import bench_audit

    typer.echo(_json(bench_audit(rows=rows, appends=appends, threads=threads)))


@app.command()
def safety(
    ctx: typer.Context,
    corpus: Path = typer.Option(DEFAULT_INJECTIONS, help="The prompt-injection corpus (YAML)."),
    rows: int = typer.Option(10_000, min=100, help="Rows of the audit chain to tamper with."),
    tamperings: int = typer.Option(1_000, min=1, help="Random tamperings of that chain."),
    crash: bool = typer.Option(True, help="Run the kill-at-every-point drill (minutes)."),
) -> None:
    """Tampering detected, approvals misused, PII leaked, injections obeyed, crashes survived:
    every drill on throw-away demo data, as JSON. Every count of harm must be 0."""
    from aios.safety.bench import run_safety_bench

    deps = ctx.find_object(KnowledgeDeps) or KnowledgeDeps(settings=Settings())
    err = Console(stderr=True)
    report = run_safety_bench(
        deps.settings,
        deps.get_embedder(),
        corpus,
        rows=rows,
        tamperings=tamperings,
        crash=crash,
        progress=lambda step: err.print(f"[dim]{step}…[/]"),
    )
    typer.echo(report.model_dump_json(indent=2))


@app.command()
def voice(
    limit: int | None = typer.Option(None, min=1, help="Only the first N operator requests."),
) -> None:
    """Word error rate of both speech-to-text engines on operator requests piper speaks, and
    the real-time factor of every engine, as JSON (loads every model: minutes on two cores)."""
    from aios.voice.bench import run_voice_bench

    typer.echo(run_voice_bench(Settings(), limit=limit).model_dump_json(indent=2))


@app.command()
def learning(
    ctx: typer.Context,
    data: Path = typer.Option(DEFAULT_LEARNING, help="The stream and held-out requests (YAML)."),
) -> None:
    """Planner accuracy on held-out requests before and after the learning loop took in a
    stream of corrected conversations (an owner accepting every correction and rejection), as
    JSON."""
    from aios.learning.bench import LearningSet, run_learning_bench

    if not data.is_file():
        Console(stderr=True).print(f"[red]No learning set at {data}[/red]")
        raise typer.Exit(2)
    deps = ctx.find_object(KnowledgeDeps) or KnowledgeDeps(settings=Settings())
    err = Console(stderr=True)
    report = run_learning_bench(
        deps.settings,
        deps.get_embedder(),
        LearningSet.load(data),
        progress=lambda step: err.print(f"[dim]{step}…[/]"),
    )
    typer.echo(report.model_dump_json(indent=2))


@app.command()
def intents(
    ctx: typer.Context,
    data: Path = typer.Option(DEFAULT_LEARNING, help="Held-out requests with their skills (YAML)."),
    folds: int = typer.Option(10, min=2, help="Folds of the cross-validation on the examples."),
) -> None:
    """Intent accuracy of the nearest examples, the trained model and their blend (the
    default), on the skills' examples (cross-validated) and on held-out requests, as JSON."""
    from aios.learning.bench import LearningSet
    from aios.planner.bench import run_intent_bench
    from aios.planner.skills import load_skills
    from connectors.registry import default_registry

    if not data.is_file():
        Console(stderr=True).print(f"[red]No held-out requests at {data}[/red]")
        raise typer.Exit(2)
    deps = ctx.find_object(KnowledgeDeps) or KnowledgeDeps(settings=Settings())
    skills = load_skills(deps.settings.skills_dir, default_registry())
    report = run_intent_bench(
        deps.settings, deps.get_embedder(), skills, LearningSet.load(data).held_out, folds=folds
    )
    typer.echo(report.model_dump_json(indent=2))


def _json(payload: object) -> str:
    return json.dumps(payload, indent=2)


def _print(result: RetrievalBench, at_scale: list[ScaleBench]) -> None:
    console = Console()
    table = Table(title=f"Retrieval on the {result.split} split ({result.questions} questions)")
    for column in ("mode", "recall@1", "recall@5", "MRR"):
        table.add_column(column)
    for mode, scores in (
        ("dense", result.dense),
        ("lexical", result.lexical),
        ("hybrid", result.hybrid),
    ):
        table.add_row(
            mode, f"{scores.recall_at_1:.3f}", f"{scores.recall_at_5:.3f}", f"{scores.mrr:.3f}"
        )
    console.print(table)
    console.print(f"query latency p50 {result.latency.p50_ms} ms, p95 {result.latency.p95_ms} ms")
    ing = result.ingestion
    console.print(
        f"ingestion {ing.chunks_per_s} chunks/s vs raw encode {ing.encode_chunks_per_s} chunks/s"
        f" (ratio {ing.ratio})"
    )
    ans = result.answerer
    console.print(
        f"answerer (threshold {ans.threshold}): refused {ans.unanswerable_refused:.0%} of"
        f" unanswerable, answered {ans.answerable_found:.0%} of answerable"
    )
    if result.current_over_older is not None:
        console.print(f"current version above the superseded one: {result.current_over_older:.0%}")
    for run in at_scale:
        hybrid, vector, encode = run.hybrid, run.vector_query, run.encode_only
        console.print(
            f"{run.chunks} chunks, {run.store}: p50 {hybrid.p50_ms} ms, p95 {hybrid.p95_ms} ms"
        )
        console.print(f"  vector query alone: p50 {vector.p50_ms} ms, p95 {vector.p95_ms} ms")
        console.print(f"  query encoding: p50 {encode.p50_ms} ms, p95 {encode.p95_ms} ms")
        for f in run.filtered:
            console.print(
                f"  filtered {f.prefix} ({f.share:.0%}): p50 {f.latency.p50_ms} ms,"
                f" p95 {f.latency.p95_ms} ms"
            )
