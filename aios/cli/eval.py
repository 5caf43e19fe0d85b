"""``aios eval run``: play conversation scenarios against the assistant and judge the outcome."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import typer
from rich.console import Console
from rich.markup import escape

from aios.config_files import ConfigFileError
from aios.eval.metrics import summarize
from aios.eval.scenarios import load_scenarios

app = typer.Typer(help="Scripted evaluation of the assistant.", no_args_is_help=True)
console = Console()


@app.callback()
def eval_() -> None:
    """Scripted evaluation of the assistant."""


@app.command("run")
def run(
    paths: list[Path] = typer.Argument(..., help="Scenario files or folders of *.yaml files."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON document instead."),
    k: int | None = typer.Option(
        None, "--k", min=1, help="Also run every paraphrase variant and report pass^k."
    ),
    only: str | None = typer.Option(None, "--only", help="Only scenarios whose id contains this."),
    verbose: bool = typer.Option(False, "--verbose", help="Show the assistant's own logs."),
) -> None:
    """Run scenarios, each on a fresh copy of the demo data; exit 1 if any fails."""
    # The whole assistant and its model: imported here, not when the CLI starts.
    from aios.eval.runner import Runner
    from aios.knowledge.embedder import load_embedder

    if not verbose:
        # A failed turn is reported as the scenario's problem; its traceback is noise here.
        logging.getLogger("aios").setLevel(logging.CRITICAL)
    try:
        scenarios = load_scenarios(paths)
    except ConfigFileError as exc:
        console.print(f"[red]{escape(str(exc))}[/]")
        raise typer.Exit(2) from None
    if only:
        scenarios = [s for s in scenarios if only in s.id]
    results = []
    with Runner(load_embedder()) as runner:
        for result in runner.run_all(scenarios, variants=k is not None):
            results.append(result)
            if not as_json:
                mark = "[green]PASS[/]" if result.passed else "[red]FAIL[/]"
                console.print(f"{mark} {escape(result.label)}")
                for problem in result.problems:
                    console.print(f"     {escape(problem)}")
    summary = summarize(results, k)
    if as_json:
        document = {
            "runs": [
                {"scenario": r.scenario, "variant": r.variant, "text": r.text,
                 "passed": r.passed, "problems": r.problems}
                for r in results
            ],
            "summary": summary.model_dump(),
        }  # fmt: skip
        typer.echo(json.dumps(document, indent=2))
    else:
        console.print(f"{summary.passed} passed, {summary.failed} failed")
        if summary.pass_hat_k is not None:
            console.print(
                f"pass^{k} = {summary.pass_hat_k:.3f} over "
                f"{summary.scenarios_with_variants} scenarios with variants"
            )
    raise typer.Exit(0 if summary.failed == 0 else 1)
