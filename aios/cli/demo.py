"""``aios demo …``: fill the stub CRM and ERP with Meridian Supply Co.'s demo dataset."""

from __future__ import annotations

from datetime import UTC, datetime

import typer
from rich.console import Console
from rich.table import Table

from aios.cli.users import directory
from aios.identity import demo_users
from aios.settings import Settings
from aios.wiring import open_systems
from connectors.demo import SeedReport
from connectors.demo import seed as seed_demo

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
    settings = Settings()
    added = directory(settings).seed(demo_users().values())
    if added:
        console.print(f"{added} demo operators added (password: AIOS_DEMO_PASSWORD, or demo)")
    systems = open_systems(settings)
    try:
        report = seed_demo(
            systems,
            seed=settings.demo_seed if seed is None else seed,
            today=datetime.now(UTC).date(),
            force=force,
        )
    finally:
        for system in systems.values():
            system.engine.dispose()
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
