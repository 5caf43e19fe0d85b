"""``aios knowledge``: ingest documents, search them, ask them a question."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import typer
from rich.console import Console
from rich.markdown import Markdown
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn
from rich.table import Table

from aios.knowledge.models import Answer, Hit, IngestReport
from aios.knowledge.reply import answer_markdown
from aios.settings import Settings

# The index, the retriever and the model bring Chroma and torch: each command imports them when
# it runs, so that ``aios --help`` and the commands that embed nothing start without them.
if TYPE_CHECKING:
    from aios.knowledge.embedder import Embedder
    from aios.knowledge.service import KnowledgeBase

app = typer.Typer(help="Ingest, search and ask the knowledge base.", no_args_is_help=True)

T = TypeVar("T")
EMPTY = "The knowledge base is empty: run `aios knowledge ingest` first."


@dataclass
class KnowledgeDeps:
    """What the commands need. A parent command (or a test) may put one in ``ctx.obj``;
    otherwise the commands build it from ``Settings()`` and load the model once."""

    settings: Settings
    embedder: Embedder | None = None

    def get_embedder(self) -> Embedder:
        if self.embedder is None:
            from aios.knowledge.embedder import load_embedder

            self.embedder = load_embedder(self.settings)
        return self.embedder


def _deps(ctx: typer.Context) -> KnowledgeDeps:
    deps = ctx.find_object(KnowledgeDeps)
    if deps is None:
        deps = KnowledgeDeps(settings=Settings())
        ctx.obj = deps
    return deps


@contextmanager
def _knowledge(ctx: typer.Context) -> Iterator[KnowledgeBase]:
    from aios.knowledge.service import KnowledgeBase

    deps = _deps(ctx)
    settings = deps.settings
    base = KnowledgeBase.open(
        settings.ensure_data_dir(), deps.get_embedder(), chroma_url=settings.chroma_url
    )
    try:
        yield base
    finally:
        base.close()


@app.command()
def ingest(
    ctx: typer.Context,
    paths: list[Path] | None = typer.Argument(
        None, help="Files or folders to ingest (default: the whole knowledge folder)."
    ),
    knowledge_dir: Path | None = typer.Option(
        None,
        "--knowledge-dir",
        help="Root that sources are named from (default: the knowledge_dir setting).",
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the report as JSON."),
) -> None:
    """Bring the index in line with the documents: new and changed files in, deleted out."""
    from aios.knowledge.index import IngestBusy

    console = Console(stderr=True)
    knowledge_dir = knowledge_dir or _deps(ctx).settings.knowledge_dir
    if not knowledge_dir.is_dir():
        console.print(f"[red]No knowledge folder at {escape(str(knowledge_dir))}[/red]")
        raise typer.Exit(2)
    # A path that is not there would otherwise ingest nothing and report "added 0".
    if missing := [p for p in paths or [] if not p.exists()]:
        for path in missing:
            console.print(f"[red]No such file or folder: {escape(str(path))}[/red]")
        raise typer.Exit(2)
    with _knowledge(ctx) as base:
        columns = (BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
        with Progress(*columns, console=console, transient=True, disable=as_json) as progress:
            task = progress.add_task("Embedding", total=None)

            def advance(done: int, total: int) -> None:
                progress.update(task, completed=done, total=total)

            try:
                report = base.index.ingest(paths or [], knowledge_dir, progress=advance)
            except IngestBusy as busy:
                console.print(f"[red]{escape(str(busy))}[/red]")
                raise typer.Exit(1) from busy
    if as_json:
        typer.echo(report.model_dump_json(indent=2))
    else:
        _print_report(report)


@app.command()
def search(
    ctx: typer.Context,
    question: str = typer.Argument(..., help="What to look for, in plain words."),
    k: int = typer.Option(5, "-k", "--k", min=1, max=50, help="How many passages."),
    source_prefix: str | None = typer.Option(
        None, "--source-prefix", help="Only documents whose path starts with this, e.g. finance/."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the hits as JSON."),
) -> None:
    """The passages that best match a question, each with its citation."""
    with _knowledge(ctx) as base:
        hits = _guard(lambda: base.retriever.search(question, k, source_prefix=source_prefix))
        empty = base.index.catalog.count() == 0
    if as_json:
        typer.echo(json.dumps([hit.model_dump() for hit in hits], indent=2))
    elif empty:
        typer.echo(EMPTY)
    else:
        _print_hits(hits)


@app.command()
def ask(
    ctx: typer.Context,
    question: str = typer.Argument(..., help="The question."),
    source_prefix: str | None = typer.Option(
        None, "--source-prefix", help="Only documents whose path starts with this."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the answer as JSON."),
) -> None:
    """Answer from the documents' own words, with citations, or say nothing was found."""
    with _knowledge(ctx) as base:
        answer = _guard(lambda: base.answerer.answer(question, source_prefix=source_prefix))
    if as_json:
        typer.echo(answer.model_dump_json(indent=2))
    else:
        _print_answer(answer)


def _guard(call: Callable[[], T]) -> T:
    """Run ``call``; a question we cannot search for ends the command with exit code 2."""
    from aios.knowledge.retriever import QuestionError

    try:
        return call()
    except QuestionError as error:
        Console(stderr=True).print(f"[red]{escape(str(error))}[/red]")
        raise typer.Exit(2) from error


def _print_report(report: IngestReport) -> None:
    console = Console()
    table = Table(title="Ingest", show_header=False)
    for label, items in (
        ("added", report.added),
        ("updated", report.updated),
        ("unchanged", report.unchanged),
        ("removed", report.removed),
    ):
        table.add_row(label, str(len(items)))
    table.add_row("skipped", str(len(report.skipped)))
    table.add_row("chunks written", str(report.chunks_written))
    table.add_row("chunks deleted", str(report.chunks_deleted))
    table.add_row("seconds", f"{report.seconds:.1f}")
    console.print(table)
    for skipped in report.skipped:
        console.print(
            f"[yellow]skipped[/yellow] {escape(skipped.source)}: {escape(skipped.reason)}"
        )


def _print_hits(hits: list[Hit]) -> None:
    console = Console()
    if not hits:
        console.print("No matching passages.")
        return
    for rank, hit in enumerate(hits, start=1):
        cite = hit.citation
        old = " [dim](superseded)[/dim]" if hit.superseded else ""
        console.print(
            f"[bold]{rank}.[/bold] {escape(cite.heading_path or cite.title)}{old}  "
            f"[dim]{escape(cite.source)} · score {cite.score:.4f}[/dim]"
        )
        console.print(f"   {escape(cite.snippet)}")


def _print_answer(answer: Answer) -> None:
    Console().print(Markdown(answer_markdown(answer)))
