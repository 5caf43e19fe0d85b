"""``aios users …``: who may use aios, with which role, and their API keys."""

from __future__ import annotations

import sys

import typer
from rich.console import Console
from rich.table import Column, Table

from aios.policy import load_policy
from aios.settings import Settings
from aios.users import UnknownRole, UserDirectory, open_directory
from aios.users.slack import SlackLinks

app = typer.Typer(help="Users, roles and API keys.", no_args_is_help=True)
console = Console()


def directory(settings: Settings | None = None) -> UserDirectory:
    settings = settings or Settings()
    return open_directory(settings, load_policy(settings.policy_file).policy.roles)


@app.command("list")
def list_users() -> None:
    """Every active user with their role."""
    table = Table("user", "role", "name")
    for user in directory().all():
        table.add_row(user.name, user.role, user.display_name)
    console.print(table)


@app.command()
def add(
    name: str = typer.Argument(help="Username, lower case, e.g. jo."),
    role: str = typer.Option(..., "--role", help="A role of the policy file, e.g. agent."),
    display_name: str = typer.Option("", "--name", help="Full name, shown in the chat."),
) -> None:
    """Add a user, or change an existing user's role."""
    try:
        user = directory().add(name, role, display_name)
    except (UnknownRole, ValueError) as exc:
        raise typer.BadParameter(str(exc)) from None
    console.print(f"{user.name} is now {user.role}")


@app.command()
def deactivate(name: str = typer.Argument(help="Username.")) -> None:
    """Stop a user from acting anywhere; their API keys stop working too."""
    try:
        directory().deactivate(name)
    except KeyError as exc:
        raise typer.BadParameter(str(exc.args[0])) from None
    console.print(f"{name} is deactivated")


@app.command("set-password")
def set_password(
    name: str = typer.Argument(help="Username."),
    stdin: bool = typer.Option(
        False, "--stdin", help="Read the password from the first line of stdin (scripts)."
    ),
) -> None:
    """Set NAME's web chat password (asked twice, not echoed); only its argon2id hash is kept.
    It replaces the demo password the demo operators start with."""
    if stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = typer.prompt("New password", hide_input=True, confirmation_prompt=True)
    try:
        directory().set_password(name, password)
    except KeyError as exc:
        raise typer.BadParameter(str(exc.args[0])) from None
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from None
    console.print(f"{name}'s password is set")


@app.command("add-key")
def add_key(
    name: str = typer.Argument(help="The user the key stands for."),
    label: str = typer.Option("", "--label", help="What the key is for, e.g. intranet portal."),
    origin: list[str] = typer.Option(
        [],
        "--origin",
        help="A page origin that may use the key (repeatable), e.g. https://intranet.example.com."
        " Give it for a widget key: a browser on any other page is refused.",
    ),
    rate: str | None = typer.Option(
        None, "--rate", help="Requests allowed for this key, e.g. 60/minute (default: the API's)."
    ),
) -> None:
    """Create an API key. It is printed once; only its hash is stored."""
    try:
        key, token = directory().add_key(name, label, origins=origin, rate_limit=rate)
    except KeyError as exc:
        raise typer.BadParameter(str(exc.args[0])) from None
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from None
    console.print(f"[bold]{key.id}[/] for {key.user} — keep this key, it is not shown again:")
    typer.echo(token)


@app.command()
def keys(name: str | None = typer.Argument(None, help="Only this user's keys.")) -> None:
    """API keys (never the keys themselves): id, user, label, scope, when created, when they
    expire (a page's sign-in) and when revoked."""
    # Ids and origins are copied from here: they never wrap.
    table = Table(
        Column("id", no_wrap=True),
        "user",
        "label",
        Column("origins", no_wrap=True),
        "rate",
        "created",
        "expires",
        "revoked",
    )
    for key in directory().keys(name):
        expires = f"{key.expires_at:%Y-%m-%d %H:%M}" if key.expires_at else ""
        revoked = f"{key.revoked_at:%Y-%m-%d %H:%M}" if key.revoked_at else ""
        table.add_row(
            key.id,
            key.user,
            key.label,
            " ".join(key.origins) or "any",
            key.rate_limit or "default",
            f"{key.created_at:%Y-%m-%d %H:%M}",
            expires,
            revoked,
        )
    console.print(table)


@app.command("revoke-key")
def revoke_key(key_id: str = typer.Argument(help="The key's id, e.g. key_3f2a…")) -> None:
    """Revoke an API key at once."""
    try:
        directory().revoke_key(key_id)
    except KeyError as exc:
        raise typer.BadParameter(str(exc.args[0])) from None
    console.print(f"{key_id} is revoked")


@app.command("link-slack")
def link_slack(
    slack_user: str = typer.Argument(help="The Slack member id, e.g. U0123ABCD (profile > ⋮)."),
    name: str = typer.Argument(help="The aios user they act as."),
) -> None:
    """Let a Slack account act in aios as NAME; an unlinked account is refused."""
    try:
        user = SlackLinks(directory()).link(slack_user, name)
    except KeyError as exc:
        raise typer.BadParameter(str(exc.args[0])) from None
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from None
    console.print(f"{slack_user} acts in aios as {user.name} ({user.role})")


@app.command("unlink-slack")
def unlink_slack(slack_user: str = typer.Argument(help="The Slack member id.")) -> None:
    """Stop a Slack account from acting in aios."""
    try:
        SlackLinks(directory()).unlink(slack_user)
    except KeyError as exc:
        raise typer.BadParameter(str(exc.args[0])) from None
    console.print(f"{slack_user} is unlinked")
