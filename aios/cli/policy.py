"""``aios policy check``: which decision a call gets, and which rule made it."""

from __future__ import annotations

import json

import typer
from rich.console import Console
from rich.markup import escape

from aios.cli.users import directory
from aios.policy import PolicyRequest, load_policy
from aios.settings import Settings
from connectors.errors import InvalidInput
from connectors.registry import default_registry

app = typer.Typer(help="The policy files: who may do what.", no_args_is_help=True)
console = Console()


@app.callback()
def policy() -> None:
    """The policy files: who may do what."""


@app.command()
def check(
    tool: str = typer.Option(..., "--tool", help="Tool name, e.g. erp.create_refund."),
    user: str | None = typer.Option(None, "--user", help="A user; their role is looked up."),
    role: str | None = typer.Option(None, "--role", help="Or a role, without a user."),
    args: str = typer.Option("{}", "--args", help="The call's arguments as a JSON object."),
    tier: str | None = typer.Option(None, "--tier", help="Account tier, e.g. platinum."),
    confidence: float | None = typer.Option(None, "--confidence", help="Planner confidence."),
    as_json: bool = typer.Option(False, "--json", help="Print the explanation as JSON."),
) -> None:
    """Explain the decision for one call: allow, confirm, approve (by whom) or deny, and why."""
    settings = Settings()
    if (user is None) == (role is None):
        raise typer.BadParameter("give --user or --role")
    if user is not None:
        found = directory(settings).get(user)
        if found is None:
            raise typer.BadParameter(f"unknown user {user!r} (see `aios users list`)")
        role = found.role
    try:
        op = default_registry().get(tool)
        parsed = json.loads(args)
    except InvalidInput as exc:
        raise typer.BadParameter(exc.message) from None
    except json.JSONDecodeError as exc:
        raise typer.BadParameter(f"--args is not JSON: {exc}") from None
    if not isinstance(parsed, dict):
        raise typer.BadParameter("--args must be a JSON object")
    assert role is not None
    request = PolicyRequest(
        role=role,
        tool=tool,
        kind=op.kind.value,
        args=parsed,
        account_tier=tier,
        confidence=confidence,
    )
    explanation = load_policy(settings.policy_file).explain(request)
    if as_json:
        typer.echo(explanation.model_dump_json(indent=2))
        return
    decision = explanation.decision
    by = f" by {decision.approver_role}" if decision.approver_role else ""
    console.print(f"[bold]{decision.decision.value.upper()}{by}[/]: {escape(decision.reason)}")
    console.print(f"  rule: {decision.rule or 'default'}, policy {decision.policy_version}")
    for checked in explanation.rules:
        mark = "[green]matched[/]" if checked.matched else f"no: {escape(checked.why_not or '')}"
        console.print(f"  {checked.rule}: {mark}")
