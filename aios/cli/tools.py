"""``aios tools …``: list the connector operations and call one by hand."""

from __future__ import annotations

import json

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from aios.approvals import open_ledger
from aios.audit import AuditUnavailable, open_trail
from aios.cli.users import directory
from aios.direct import DirectCalls, Status
from aios.identity import User
from aios.policy import load_policy
from aios.policy.masking import load_masker
from aios.settings import Settings
from aios.toolbox import Toolbox
from aios.wiring import open_connectors
from connectors.errors import ConnectorError
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
    user: str = typer.Option(..., "--user", help="Who acts: a user of the directory."),
    args: str = typer.Option("{}", "--args", help="Arguments as a JSON object."),
    yes: bool = typer.Option(
        False, "--yes", help="Confirm exactly these arguments, where the policy asks for it."
    ),
    idempotency_key: str | None = typer.Option(
        None, "--key", help="Idempotency key for a write (default: a new random one)."
    ),
) -> None:
    """Call one operation as USER, under the policy a chat turn is under, audited like one.

    ALLOW runs; CONFIRM runs with --yes; APPROVE files a four-eyes request (decide it with
    `aios approvals decide`); DENY is refused with the policy's reason."""
    try:
        parsed = json.loads(args)
    except json.JSONDecodeError as exc:
        raise typer.BadParameter(f"--args is not valid JSON: {exc}") from None
    if not isinstance(parsed, dict):
        raise typer.BadParameter("--args must be a JSON object")
    settings = Settings()
    direct = open_direct_calls(settings)
    try:
        me = direct_user(settings, user)
        done = direct.call(me, tool, parsed, confirmed=yes, idempotency_key=idempotency_key)
    except ConnectorError as exc:
        console.print(f"[red]{exc.code}[/]: {escape(exc.message)}")
        if exc.details:
            console.print_json(json.dumps(exc.details, default=str))
        raise typer.Exit(2) from None
    except AuditUnavailable as exc:
        console.print(f"[red]audit_unavailable[/]: {escape(str(exc))}; nothing was changed.")
        raise typer.Exit(2) from None
    finally:
        direct.toolbox.connectors.close()
    reason = escape(done.decision.reason)
    if done.status is Status.DENIED:
        console.print(f"[red]policy_denied[/]: Not allowed: {reason}")
        raise typer.Exit(3)
    if done.status is Status.NEEDS_CONFIRMATION:
        console.print(
            f"[yellow]confirmation_required[/]: {reason}. Nothing was run. To run exactly "
            f"{tool} {escape(json.dumps(done.args))}, call again with --yes."
        )
        raise typer.Exit(4)
    if done.status is Status.AWAITING_APPROVAL:
        assert done.approval is not None
        console.print(
            f"{reason}\nFiled approval request [bold]{done.approval.id}[/] for "
            f"{done.approval.required_role}; nothing runs until someone else decides it: "
            f"aios approvals decide {done.approval.id} --as <user>"
        )
        typer.echo(done.approval.id)
        return
    typer.echo(json.dumps(done.result, indent=2, default=str))
    if not done.recorded:
        # Exit 0: it happened, and a script that retried on failure would do it again.
        Console(stderr=True).print(
            "[yellow]not_on_record[/]: the change above was made, but it is not yet on the "
            "audit record (the trail failed just after). Do not repeat it; "
            "aios audit reconcile records it from the system."
        )


def open_direct_calls(settings: Settings) -> DirectCalls:
    """Toolbox, policy and ledger as build_runtime makes them, without the assistant (no
    embedding model to load for one call)."""
    connectors = open_connectors(settings)
    policy = load_policy(settings.policy_file)
    masker = load_masker(settings.masking_file)
    toolbox = Toolbox(connectors, open_trail(settings), masker, policy.version)
    return DirectCalls(toolbox, policy, open_ledger(settings, policy, toolbox.trail), masker)


def direct_user(settings: Settings, name: str) -> User:
    found = directory(settings).get(name)
    if found is None:
        raise typer.BadParameter(f"unknown user {name!r}; see aios users list", param_hint="--user")
    return found
