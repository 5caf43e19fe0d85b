"""``aios learn …``: what conversations taught, for a skill's owners to accept or dismiss."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from aios.identity import User
from aios.learning.models import Example, Status
from aios.settings import Settings

# The assistant and the planner's skills are imported by the commands that use them, not when
# the CLI starts.
if TYPE_CHECKING:
    from aios.assistant.factory import Runtime

_STATUSES: dict[str, Status] = {s: s for s in ("candidate", "accepted", "dismissed")}
app = typer.Typer(help="The learning loop's candidate examples.", no_args_is_help=True)
console = Console()


@app.command("list")
def list_examples(
    status: str = typer.Option("candidate", help="candidate, accepted or dismissed."),
    skill: str | None = typer.Option(None, help="Only examples of this skill."),
    as_json: bool = typer.Option(False, "--json", help="Print the examples as JSON."),
) -> None:
    """Examples, the most telling first: corrections, rejections, then unsure confirmations."""
    if status not in _STATUSES:
        raise typer.BadParameter(f"status is one of {', '.join(_STATUSES)}")
    from aios.learning.store import open_learning

    found = open_learning(Settings()).examples(status=_STATUSES[status], skill=skill)
    if as_json:
        typer.echo(json.dumps([e.model_dump(mode="json") for e in found], indent=2))
        return
    _table(found)


@app.command()
def review(
    user: str = typer.Option(..., "--as", help="Who reviews: an owner of the skills (policy)."),
    skill: str | None = typer.Option(None, help="Only candidates of this skill."),
) -> None:
    """Go through the candidates you own: [a]ccept, [d]ismiss, [s]kip or [q]uit. Accepted
    examples change the planner from its next message on, in every worker; each decision is
    on the audit trail."""
    runtime = _runtime()
    me = _user(runtime, user)
    mine = [
        e
        for e in runtime.learning.examples(status="candidate", skill=skill)
        if runtime.reviews.may_review(me, e.skill)
    ]
    if not mine:
        console.print("Nothing for you to review.")
        return
    for number, example in enumerate(mine, 1):
        console.print(f"\n[bold]{number}/{len(mine)}[/] {_describe(example)}")
        answer = typer.prompt("[a]ccept, [d]ismiss, [s]kip, [q]uit", default="s").strip().lower()
        if answer.startswith("q"):
            return
        if answer.startswith(("a", "d")):
            _decide(runtime, example.id, me, accept=answer.startswith("a"))


@app.command()
def accept(
    ids: list[str] = typer.Argument(help="Examples to accept, e.g. LX-1A2B3C4D5E."),
    user: str = typer.Option(..., "--as", help="Who accepts: an owner of the skill."),
) -> None:
    """Accept candidates into their skills."""
    _decide_all(ids, user, accept=True)


@app.command()
def dismiss(
    ids: list[str] = typer.Argument(help="Examples to dismiss (candidates, or accepted ones)."),
    user: str = typer.Option(..., "--as", help="Who dismisses: an owner of the skill."),
) -> None:
    """Dismiss candidates, or take accepted examples back out of their skills."""
    _decide_all(ids, user, accept=False)


def _decide_all(ids: list[str], user: str, *, accept: bool) -> None:
    """Decide each of ``ids``; exit 1 when any was refused (each refusal is said)."""
    runtime = _runtime()
    me = _user(runtime, user)
    if not all([_decide(runtime, ident, me, accept=accept) for ident in ids]):
        raise typer.Exit(1)


def _decide(runtime: Runtime, ident: str, user: User, *, accept: bool) -> bool:
    from aios.learning.review import ReviewRefused

    try:
        if accept:
            done = runtime.reviews.accept(ident, user)
        else:
            done = runtime.reviews.dismiss(ident, user)
    except ReviewRefused as refused:
        console.print(f"[red]{ident}: {escape(refused.message)}[/]")
        return False
    console.print(f"{done.id} {done.status}: {escape(done.text)!r} for {done.skill}")
    return True


def _describe(example: Example) -> str:
    meaning = "does NOT mean" if example.kind == "rejected" else "means"
    was = f" (the planner took it for {example.was})" if example.was else ""
    return (
        f"{example.id} [{example.kind}, seen {example.seen}x]: {escape(example.text)!r} "
        f"{meaning} [bold]{example.skill}[/]{was}"
    )


def _table(examples: list[Example]) -> None:
    table = Table()
    table.add_column("id", no_wrap=True)
    for heading in ("kind", "skill", "was", "text", "seen", "reviewed by"):
        table.add_column(heading)
    for e in examples:
        table.add_row(
            e.id, e.kind, e.skill, e.was or "", escape(e.text), str(e.seen), e.reviewed_by or ""
        )
    console.print(table)


def _runtime() -> Runtime:
    from aios.assistant.factory import build_runtime

    with console.status("Loading the assistant…"):
        return build_runtime(Settings())


def _user(runtime: Runtime, name: str) -> User:
    found = runtime.users.get(name)
    if found is None:
        raise typer.BadParameter(f"unknown user {name!r}")
    return found
