"""``aios chat``: the assistant in a terminal, for people and for scripts."""

from __future__ import annotations

import sys
import uuid

import typer
from rich.console import Console
from rich.markdown import Markdown
from rich.markup import escape

from aios import observability
from aios.assistant.events import Event
from aios.assistant.factory import build_runtime
from aios.settings import Settings

console = Console()


def render(event: Event) -> None:
    """How each event reads in a terminal."""
    if event.type == "plan":
        console.print(f"[bold]Plan[/] ({event.confidence:.0%} sure): {escape(event.understood)}")
        for step in event.steps:
            console.print(f"  {step.index + 1}. [cyan]{step.tool}[/] {escape(str(step.args))}")
    elif event.type == "step_started":
        console.print(f"  [dim]running {event.tool}…[/]")
    elif event.type == "step_finished":
        mark = "[green]✓[/]" if event.ok else f"[red]✗ {escape(event.error or '')}[/]"
        console.print(f"  {mark} {event.tool}")
    elif event.type == "confirmation_required":
        who = (
            f"approval by a {event.approver_role} (not you)"
            if event.decision == "approve"
            else "your confirmation"
        )
        console.print(
            f"[yellow]Needs {who}:[/] {escape(event.text)}\n  [dim]{escape(event.reason)}[/]"
        )
        console.print("  [dim]Reply yes or no, or say what to change.[/]")
    elif event.type == "message":
        console.print(Markdown(event.text))
        for citation in event.citations:
            console.print(f"  [dim]source: {citation.source} > {citation.heading}[/]")
    elif event.type == "clarification":
        console.print(f"[yellow]?[/] {escape(event.question)}")
        for number, option in enumerate(event.options, 1):
            console.print(f"  {number}. {escape(option)}")
    elif event.type == "error":
        console.print(f"[red]{event.code}[/]: {escape(event.message)}")


def chat(
    user: str = typer.Option("alice", "--user", "-u", help="The user to act as (aios users list)."),
    session: str | None = typer.Option(None, help="Continue this session id."),
) -> None:
    """Chat with the assistant in the terminal (reads lines from stdin when piped)."""
    observability.configure(Settings(), server=False)
    with console.status("Loading the assistant…"):
        runtime = build_runtime(Settings())
    me = runtime.users.get(user)
    if me is None:
        known = ", ".join(u.name for u in runtime.users.all()) or "none; run `aios demo seed`"
        raise typer.BadParameter(f"unknown user {user!r}; users: {known}")
    session_id = session or f"cli-{uuid.uuid4().hex[:8]}"
    console.print(f"[bold]aios[/] — {me.name} ({me.role}), session {session_id}. Ctrl-D to leave.")
    interactive = sys.stdin.isatty()
    while True:
        try:
            text = console.input("[bold]> [/]") if interactive else input()
        except EOFError:
            break
        if not text.strip():
            continue
        if not interactive:
            console.print(f"[bold]> [/]{text}")
        for event in runtime.assistant.handle(session_id, me, text):
            render(event)
