"""``aios skills check``: every skill file against the operations its steps call."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console
from rich.markup import escape

from aios.settings import Settings

app = typer.Typer(help="The skill files the planner works from.", no_args_is_help=True)
console = Console()


@app.callback()
def skills() -> None:
    """The skill files the planner works from."""


@app.command()
def check(
    folder: Path | None = typer.Option(
        None, "--dir", help="The folder of skill files (default: AIOS_SKILLS_DIR)."
    ),
) -> None:
    """Check every skill file and list every problem, with file and line; exit 1 if any."""
    # The planner's skill reader and the operations' registry: loaded by this command only.
    from aios.planner.skills import read_skills
    from connectors.registry import default_registry

    folder = folder or Settings().skills_dir
    found, problems = read_skills(folder, default_registry())
    for problem in problems:
        console.print(escape(str(problem)), soft_wrap=True)
    if problems:
        console.print(f"[red]{len(problems)} problem(s)[/] in the skill files of {folder}")
        raise typer.Exit(1)
    console.print(f"[green]{len(found)} skills[/] in {folder} fit the operations they call.")
