"""``aios demo …``: fill the stub CRM and ERP with Meridian Supply Co.'s demo dataset."""

from __future__ import annotations

import typer
from rich.console import Console
from rich.table import Table

from aios.demo import seed_demo
from aios.settings import Settings
from connectors.demo import SeedReport

app = typer.Typer(help="The deterministic demo dataset.", no_args_is_help=True)
console = Console()


@app.callback()
def demo() -> None:
    """The deterministic demo dataset."""


@app.command("seed")
def seed_command(
    force: bool = typer.Option(
        False, "--force", help="Delete every row of the CRM and ERP first, then seed again."
    ),
    seed: int | None = typer.Option(
        None, "--seed", help="Seed of the generator (default: AIOS_DEMO_SEED, 42)."
    ),
) -> None:
    """Seed the CRM and ERP databases (dated relative to today, UTC) and the demo operators.

    The same seed on the same day always gives the same rows. Does nothing when the systems
    already hold data, unless --force is given.
    """
    report = seed_demo(Settings(), seed=seed, force=force)
    if report.already_seeded:
        console.print("[yellow]already seeded; use --force to start over[/]")
        return
    console.print(_counts_table(report))


def _counts_table(report: SeedReport) -> Table:
    table = Table(title=f"Demo data: seed {report.seed}, {report.today}")
    table.add_column("system")
    table.add_column("table")
    table.add_column("rows", justify="right")
    for system, counts in report.counts.items():
        for name, rows in counts.items():
            table.add_row(system, name, str(rows))
    return table
