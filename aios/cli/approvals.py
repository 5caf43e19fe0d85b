"""``aios approvals …``: the four-eyes ledger from a terminal (list, decide, sweep)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import TYPE_CHECKING, Literal

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from aios.approvals import Approval, ApprovalRefused, ApprovalStatus, open_ledger
from aios.audit import AuditUnavailable
from aios.cli.chat import render
from aios.cli.tools import direct_user, open_direct_calls
from aios.cli.users import directory
from aios.direct import is_direct
from aios.limits import MAX_REASON_CHARS
from aios.policy import load_policy
from aios.settings import Settings
from connectors.clock import utc_now
from connectors.errors import ConnectorError

if TYPE_CHECKING:
    from aios.assistant.factory import Runtime

app = typer.Typer(help="Four-eyes approval requests.", no_args_is_help=True)
console = Console()


@app.command("list")
def list_approvals(
    status: ApprovalStatus | None = typer.Option(
        ApprovalStatus.PENDING, "--status", help="Only requests in this state."
    ),
    every: bool = typer.Option(False, "--all", help="Requests in every state."),
    for_user: str | None = typer.Option(None, "--for", help="Only what this user may decide."),
    as_json: bool = typer.Option(False, "--json", help="Print the requests as JSON."),
) -> None:
    """Approval requests, oldest first, with who may decide them and when they fall due."""
    settings = Settings()
    ledger = open_ledger(settings, load_policy(settings.policy_file))
    if for_user is not None:
        user = directory(settings).get(for_user)
        if user is None:
            raise typer.BadParameter(f"unknown user {for_user!r}")
        found = ledger.decidable_by(user)
    else:
        found = ledger.find(status=None if every else status)
    if as_json:
        typer.echo(json.dumps([a.model_dump(mode="json") for a in found], indent=2))
        return
    table = Table()
    table.add_column("id", no_wrap=True)  # ids are copied into `decide`; never split them
    for heading in ("status", "requested by", "approver", "due", "what"):
        table.add_column(heading)
    now = utc_now()
    for approval in found:
        table.add_row(
            approval.id,
            _status(approval),
            approval.requester,
            approval.required_role + (f" (escalated {approval.level}x)" if approval.level else ""),
            _due(approval, now),
            escape(approval.description),
        )
    console.print(table)


@app.command()
def decide(
    approval_id: str = typer.Argument(help="The request, e.g. AP-1A2B3C4D5E6F."),
    user: str = typer.Option(..., "--as", help="Who decides: a user holding the approver role."),
    reject: bool = typer.Option(False, "--reject", help="Reject instead of approving."),
    reason: str | None = typer.Option(
        None,
        "--reason",
        help=f"With --reject: why, in your words (at most {MAX_REASON_CHARS} characters). "
        "It is kept on the request and told to the requester.",
    ),
) -> None:
    """Approve (or --reject) a request; the requester's conversation then carries it out."""
    if reason is not None and not reject:
        raise typer.BadParameter("a reason goes with --reject only", param_hint="--reason")
    if reason is not None and len(reason) > MAX_REASON_CHARS:
        raise typer.BadParameter(
            f"at most {MAX_REASON_CHARS} characters, not {len(reason)}", param_hint="--reason"
        )
    settings = Settings()
    answer: Literal["approve", "reject"] = "reject" if reject else "approve"
    session_id = approval_id_session(settings, approval_id)
    if not session_id:  # said before the assistant is loaded: a mistyped id costs no wait
        raise typer.BadParameter(f"unknown approval request {approval_id!r}")
    if is_direct(session_id):
        _decide_direct(settings, approval_id, user, answer, reason)
        return
    runtime = _assistant(settings)
    me = runtime.users.get(user)
    if me is None:
        raise typer.BadParameter(f"unknown user {user!r}")
    approval = runtime.ledger.get(approval_id)
    assert approval is not None  # found above; requests are never deleted
    failed = False
    decided = runtime.assistant.resume(
        approval.session_id, me, answer, reason, expected=approval_id
    )
    for event in decided:
        render(event)
        failed = failed or event.type == "error"
    if failed:
        raise typer.Exit(1)


@app.command()
def sweep() -> None:
    """Escalate overdue requests, expire those at the top of the ladder, and finish decided
    ones a crash left undone. Run it every few minutes (cron, a systemd timer)."""
    runtime = _assistant(Settings())
    changed = runtime.assistant.sweep()
    for approval in changed:
        console.print(f"{approval.id}: {approval.status.value}, now {approval.required_role}")
    console.print(f"{len(changed)} request(s) escalated or expired")


def _assistant(settings: Settings) -> Runtime:
    """The whole assistant, imported and built only by the commands that resume a conversation
    (listing and deciding a direct call start without it)."""
    from aios.assistant.factory import build_runtime

    with console.status("Loading the assistant…"):
        return build_runtime(settings)


def approval_id_session(settings: Settings, approval_id: str) -> str:
    """The session ``approval_id`` was filed from ("" when there is no such request)."""
    approval = open_ledger(settings, load_policy(settings.policy_file)).get(approval_id)
    return approval.session_id if approval else ""


def _decide_direct(
    settings: Settings,
    approval_id: str,
    user: str,
    answer: Literal["approve", "reject"],
    reason: str | None,
) -> None:
    """A request filed by `aios tools call`: no conversation waits on it, so the decision
    carries it out here, as the approver on the requester's behalf."""
    direct = open_direct_calls(settings)
    try:
        me = direct_user(settings, user)
        approval = direct.ledger.get(approval_id)
        assert approval is not None
        result = direct.decided(approval, me, answer, reason)
    except ApprovalRefused as refused:
        console.print(f"[red]{refused.code}[/]: {escape(refused.message)}")
        raise typer.Exit(1) from None
    except ConnectorError as exc:
        console.print(f"[red]{exc.code}[/]: {escape(exc.message)}. Nothing was changed.")
        raise typer.Exit(1) from None
    except AuditUnavailable as exc:
        console.print(f"[red]audit_unavailable[/]: {escape(str(exc))}; nothing was changed.")
        raise typer.Exit(1) from None
    finally:
        direct.toolbox.connectors.close()
    if result is None:
        rejected = direct.ledger.get(approval_id)
        assert rejected is not None
        console.print(f"{approval_id} {escape(rejected.decision())}; nothing was changed.")
        return
    console.print(f"{approval_id} approved by {me.name} and carried out:")
    typer.echo(json.dumps(result, indent=2, default=str))


def _status(approval: Approval) -> str:
    """The state, what came of running it, and a rejection's reason (as it was given)."""
    status = approval.status.value + (
        f", then {approval.executed.value}" if approval.executed else ""
    )
    return status + (f": {escape(approval.rejection_reason)}" if approval.rejection_reason else "")


def _due(approval: Approval, now: datetime) -> str:
    if approval.status is not ApprovalStatus.PENDING:
        return f"decided by {approval.decided_by or 'nobody'}"
    minutes = int((approval.due_at - now).total_seconds() // 60)
    return f"in {minutes} min" if minutes >= 0 else f"[red]{-minutes} min overdue[/]"
