"""``aios audit …``: check the audit trail's hash chain, export a session's records, and record
the outcomes of writes the trail missed from the systems that made them."""

from __future__ import annotations

import json
import sys
from dataclasses import asdict
from datetime import timedelta
from pathlib import Path
from typing import NoReturn

import typer
from rich.console import Console
from rich.markup import escape

from aios.audit import AuditTrail, AuditUnavailable, Break, ExportFormat, open_trail
from aios.audit.reconcile import SETTLE, Found, reconcile
from aios.policy import load_policy
from aios.policy.masking import load_masker
from aios.settings import Settings
from aios.wiring import open_connectors

app = typer.Typer(help="The tamper-evident audit trail.", no_args_is_help=True)
console = Console()


def _trail() -> AuditTrail:
    try:
        return open_trail(Settings())
    except AuditUnavailable as exc:
        _fail(exc)


def _fail(exc: AuditUnavailable) -> NoReturn:
    console.print(f"[red]audit trail unavailable:[/] {escape(str(exc))}")
    raise typer.Exit(2)


@app.command()
def verify(
    as_json: bool = typer.Option(False, "--json", help="Print the report as JSON."),
) -> None:
    """Re-check every record's hash and link, and the newest record against the saved head.

    Exits 1 when the chain is broken, 2 when the trail cannot be read.
    """
    try:
        report = _trail().verify()
    except AuditUnavailable as exc:
        _fail(exc)
    if as_json:
        typer.echo(report.model_dump_json(indent=2))
    elif report.ok:
        console.print(f"[green]chain intact: {report.rows_checked} rows[/]")
        if report.rows_after_head:
            console.print(
                f"[yellow]{report.rows_after_head} newest rows are past the saved head "
                "(appends in progress, or a crash before the head was saved)[/]"
            )
        if report.head_signed:
            console.print("head signed with AIOS_AUDIT_KEY and the signature holds")
        else:
            console.print(
                "head not signed: a rewrite of the table and the head together would not be "
                "detected (set AIOS_AUDIT_KEY to sign it)"
            )
    elif report.problem is Break.HEAD_MISSING and report.rows_checked == 0:
        console.print(f"[red]{escape(report.reason or 'cannot verify: head missing')}[/]")
    else:
        where = "" if report.first_broken_seq is None else f" at seq {report.first_broken_seq}"
        console.print(f"[red]chain broken{where}: {escape(report.reason or '')}[/]")
        console.print(f"[red]{report.rows_checked} rows verified before the break[/]")
    if not report.ok:
        raise typer.Exit(1)


@app.command()
def export(
    session: str = typer.Option(..., "--session", help="The session whose records to export."),
    fmt: ExportFormat = typer.Option(ExportFormat.JSONL, "--format", help="Output format."),
    output: Path | None = typer.Option(None, "--output", help="Write here instead of stdout."),
    role: str = typer.Option(
        "auditor", "--role", help="Mask personal data as this role may see it (masking.yaml)."
    ),
) -> None:
    """Export one session's audit records, oldest first, as JSON Lines or CSV.

    Personal data is masked for ``--role`` (an auditor, by default, sees none in full)."""
    settings = Settings()
    roles = sorted(load_policy(settings.policy_file).policy.roles)
    if role not in roles:
        # A role the masking file does not name would be shown everything its default allows:
        # a typo must not decide what personal data leaves the trail.
        raise typer.BadParameter(
            f"unknown role {role!r}; the known roles are {', '.join(roles)}", param_hint="--role"
        )
    masker = load_masker(settings.masking_file)
    lines = _trail().export(session, fmt, view=lambda data: masker.mask(data, role))
    try:
        if output is None:
            for line in lines:
                sys.stdout.write(line)
            return
        # newline="" keeps CSV's \r\n row ends as written (the csv module's documented rule)
        with output.open("w", encoding="utf-8", newline="") as handle:
            handle.writelines(lines)
    except AuditUnavailable as exc:
        _fail(exc)
    if output is not None:
        console.print(f"exported session {escape(session)} to {escape(str(output))}", style="green")


@app.command(name="reconcile")
def reconcile_command(
    as_json: bool = typer.Option(False, "--json", help="Print what was found as JSON."),
    settle: int = typer.Option(
        int(SETTLE.total_seconds()),
        "--settle",
        min=0,
        help="Seconds a request must be old before a system without it means it never happened.",
    ),
) -> None:
    """Record the outcome of every write the trail saw requested but never saw end.

    Each system is asked, by the write's idempotency key, whether it made the write: if so,
    ``tool.succeeded`` is appended with the result it stored; if not, ``tool.failed`` saying it
    never happened. Both are marked reconciled, so running this again records nothing new.
    Exits 1 when some could not be settled (a system unreachable), 2 when the trail cannot be
    written."""
    settings = Settings()
    trail = _trail()
    connectors = open_connectors(settings)
    masker = load_masker(settings.masking_file)
    try:
        done = reconcile(
            trail,
            connectors.find_write,
            settle=timedelta(seconds=settle),
            for_audit=masker.for_audit,
        )
    except AuditUnavailable as exc:
        _fail(exc)
    finally:
        connectors.close()
    if as_json:
        typer.echo(json.dumps([asdict(r) for r in done], indent=2))
    elif not done:
        console.print("[green]every requested write has its outcome on record[/]")
    for r in [] if as_json else done:
        line = f"seq {r.requested_seq} {r.tool} (session {r.session_id}): {r.found}: {r.detail}"
        if r.seq is not None:
            line += f" (seq {r.seq})"
        colour = "yellow" if r.found in (Found.WAITING, Found.UNKNOWN) else "green"
        console.print(f"[{colour}]{escape(line)}[/]")
    if any(r.found is Found.UNKNOWN for r in done):
        raise typer.Exit(1)
