"""``aios policy check``: which decision a call gets, and which rule made it."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import typer
from rich.console import Console
from rich.markup import escape

from aios.audit.trail import utc_now
from aios.cli.users import directory
from aios.policy import PolicyRequest, load_policy
from aios.policy.models import Explanation
from aios.policy.totals import PastWrite
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
    more: str = typer.Option(
        "[]", "--more", help="The request's other writes of this tool, as a JSON list of args."
    ),
    earlier: str = typer.Option(
        "[]",
        "--earlier",
        help="Earlier writes of this tool for running totals, as a JSON list of args with "
        '"hours_ago" and optionally "by" (default: the user) and "account_id".',
    ),
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
    except InvalidInput as exc:
        raise typer.BadParameter(exc.message) from None
    parsed = _json(args, "--args", dict)
    assert role is not None
    now = utc_now()
    request = PolicyRequest(
        role=role,
        tool=tool,
        kind=op.kind.value,
        args=parsed,
        account_tier=tier,
        confidence=confidence,
        operator=user,
        pending=[_json_object(w, "--more") for w in _json(more, "--more", list)],
        history=[_past(tool, w, user, now) for w in _json(earlier, "--earlier", list)],
        now=now,
    )
    explanation = load_policy(settings.policy_file).explain(request)
    if as_json:
        typer.echo(explanation.model_dump_json(indent=2))
        return
    _print(explanation)


def _print(explanation: Explanation) -> None:
    decision = explanation.decision
    by = f" by {decision.approver_role}" if decision.approver_role else ""
    console.print(f"[bold]{decision.decision.value.upper()}{by}[/]: {escape(decision.reason)}")
    console.print(f"  rule: {decision.rule or 'default'}, policy {decision.policy_version}")
    for checked in explanation.rules:
        mark = "[green]matched[/]" if checked.matched else f"no: {escape(checked.why_not or '')}"
        console.print(f"  {checked.rule}: {mark}")
    if explanation.totals:
        console.print("  running totals:")
    for total in explanation.totals:
        key = total.key or "(unknown)"
        summed = (
            f"${total.total:,.2f} per {total.per} {key} = ${total.this_call:,.2f} now"
            f" + ${total.rest_of_plan:,.2f} in this request + ${total.earlier:,.2f} earlier"
        )
        mark = "[green]matched[/]" if total.matched else "no"
        console.print(f"  {total.rule}: {mark}: {escape(summed)}, limit ${total.above:,.2f}")


def _json(text: str, option: str, shape: type[Any]) -> Any:
    try:
        parsed = json.loads(text)
    except json.JSONDecodeError as exc:
        raise typer.BadParameter(f"{option} is not JSON: {exc}") from None
    if not isinstance(parsed, shape):
        raise typer.BadParameter(f"{option} must be a JSON {'object' if shape is dict else 'list'}")
    return parsed


def _json_object(value: Any, option: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise typer.BadParameter(f"{option} must list JSON objects")
    return value


def _past(tool: str, value: Any, user: str | None, now: Any) -> PastWrite:
    """A hypothetical earlier write, ``hours_ago`` before now."""
    write = dict(_json_object(value, "--earlier"))
    try:
        hours = float(write.pop("hours_ago", 0))
    except (TypeError, ValueError):
        raise typer.BadParameter("--earlier: hours_ago must be a number") from None
    by = str(write.pop("by", user or "someone"))
    return PastWrite(tool=tool, values=write, operator=by, at=now - timedelta(hours=hours))
