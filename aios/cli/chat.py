"""``aios chat``: the assistant in a terminal, for people and for scripts."""

from __future__ import annotations

import sys
import uuid

import typer
from rich.console import Console
from rich.markdown import Markdown
from rich.markup import escape

from aios import observability
from aios.assistant.events import ConfirmationRequired, Event
from aios.assistant.phrases import sentence, understood_beyond_steps
from aios.settings import Settings

console = Console()
plain = False
"""Plain mode (``--plain``, the default when the output is no terminal): text as it is, for a
script or a file: no colours, no wrapping at the terminal's width, messages as their Markdown."""


def render(event: Event) -> None:
    """How each event reads in a terminal."""
    if event.type == "plan":
        understood = understood_beyond_steps(event)
        console.print("[bold]Plan[/]" + (f": {escape(understood)}" if understood else ""))
        for step in event.steps:
            console.print(f"  {step.index + 1}. {escape(step.description)}")
    elif event.type == "step_started":
        console.print(f"  [dim]running {event.tool}…[/]")
    elif event.type == "step_finished":
        if event.ok:
            console.print(f"  [green]✓[/] {escape(event.summary or 'Done.')}")
        else:
            console.print(f"  [red]✗ Failed: {escape(event.error or event.tool)}[/]")
    elif event.type == "confirmation_required":
        _confirmation(event)
    elif event.type == "message":
        console.print(escape(event.text) if plain else Markdown(event.text))
        for citation in event.citations:
            console.print(f"  [dim]source: {citation.source} > {citation.heading}[/]")
    elif event.type == "clarification":
        console.print(f"[yellow]?[/] {escape(event.question)}")
        for number, option in enumerate(event.options, 1):
            console.print(f"  {number}. {escape(option)}")
    elif event.type == "error":
        console.print(f"[red]{escape(sentence(event.message))}[/]")
        console.print(f"  [dim]details: {event.code}[/]")


def _confirmation(event: ConfirmationRequired) -> None:
    """What will be done, every argument it will be sent, why a person is asked, and what the
    reader can do about it: answer a confirmation here; a four-eyes request is someone else's."""
    if event.decision == "approve":
        head = f"Needs approval by {event.approver_role} (four-eyes, request {event.approval_id})"
    else:
        head = "Please confirm"
    console.print(f"[yellow]{head}:[/] {escape(event.text)}")
    for argument in event.arguments:
        console.print(f"  {escape(argument.label)}: [bold]{escape(argument.value)}[/]")
    console.print(f"  [dim]Why: {escape(event.reason)}[/]")
    if event.decision == "approve":
        console.print(
            f"  [dim]Someone with the {event.approver_role} role decides it (aios approvals "
            f"decide {event.approval_id} --as NAME, or /approvals in the web chat); you can "
            "go on meanwhile.[/]"
        )
    else:
        console.print("  [dim]Reply yes or no, or say what to change.[/]")


def chat(
    user: str = typer.Option("alice", "--user", "-u", help="The user to act as (aios users list)."),
    session: str | None = typer.Option(None, help="Continue this session id."),
    plain_text: bool | None = typer.Option(
        None,
        "--plain/--rich",
        help="Plain text for scripts (no colours, no wrapping, Markdown as written); the "
        "default when the output is not a terminal.",
    ),
) -> None:
    """Chat with the assistant in the terminal (reads lines from stdin when piped)."""
    from aios.assistant.factory import build_runtime  # the whole stack: only when chatting

    global console, plain
    plain = not sys.stdout.isatty() if plain_text is None else plain_text
    if plain:
        console = Console(color_system=None, highlight=False, soft_wrap=True, emoji=False)
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
        if not interactive and not plain:
            console.print(f"[bold]> [/]{text}")
        for event in runtime.assistant.handle(session_id, me, text):
            render(event)
