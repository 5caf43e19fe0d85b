"""``aios tools …``: list the connector operations and call one by hand."""

from __future__ import annotations

import json
import uuid

import typer
from rich.console import Console
from rich.table import Table

from aios.settings import Settings
from aios.wiring import open_connectors
from connectors.errors import ConnectorError
from connectors.operation import Kind
from connectors.registry import default_registry

app = typer.Typer(help="Connector operations (tools) over the CRM and ERP.", no_args_is_help=True)
console = Console()


@app.command("list")
def list_tools(
    as_json: bool = typer.Option(False, "--json", help="Print tool cards as JSON."),
) -> None:
    """List every operation with its kind and risk."""
    registry = default_registry()
    if as_json:
        typer.echo(json.dumps([op.describe() for op in registry], indent=2))
        return
    table = Table("tool", "kind", "risk", "description")
    for op in registry:
        table.add_row(op.tool_name, op.kind.value, op.risk.value, op.description.splitlines()[0])
    console.print(table)


@app.command()
def call(
    tool: str = typer.Argument(help="Tool name, e.g. crm.find_accounts."),
    args: str = typer.Option("{}", "--args", help="Arguments as a JSON object."),
    idempotency_key: str | None = typer.Option(
        None, "--key", help="Idempotency key for a write (default: a new random one)."
    ),
) -> None:
    """Call one operation directly, bypassing the assistant (for operators and scripts)."""
    try:
        parsed = json.loads(args)
    except json.JSONDecodeError as exc:
        raise typer.BadParameter(f"--args is not valid JSON: {exc}") from None
    if not isinstance(parsed, dict):
        raise typer.BadParameter("--args must be a JSON object")
    connectors = open_connectors(Settings())
    try:
        op = connectors.registry.get(tool)
        key = idempotency_key or (f"cli-{uuid.uuid4()}" if op.kind is Kind.WRITE else None)
        result = connectors.call(tool, parsed, key)
    except ConnectorError as exc:
        console.print(f"[red]{exc.code}[/]: {exc.message}")
        if exc.details:
            console.print_json(json.dumps(exc.details, default=str))
        raise typer.Exit(2) from None
    finally:
        connectors.close()
    typer.echo(result.model_dump_json(indent=2))
