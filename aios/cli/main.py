"""The ``aios`` command: each area of the product is a sub-command group."""

from __future__ import annotations

import typer

from aios.cli import (
    api,
    approvals,
    audit,
    bench,
    chat,
    db,
    demo,
    knowledge,
    learn,
    mcp,
    policy,
    serve,
    skills,
    slack,
    systems,
    tools,
    users,
    web,
)
from aios.cli import eval as evaluation
from aios.cli.help import plain_help

plain_help()

app = typer.Typer(
    name="aios",
    help="aios: an operator assistant that gets real work done across business systems, safely.",
    no_args_is_help=True,
    # Docstrings are Markdown: a line break inside a sentence is not kept (Typer's "rich" mode
    # keeps it), and ``code`` reads as code, not as backticks.
    rich_markup_mode="markdown",
)
app.command("api")(api.api)
app.command("chat")(chat.chat)
app.command("serve")(serve.serve)
app.command("slack")(slack.slack)
app.command("web")(web.web)
app.add_typer(approvals.app, name="approvals")
app.add_typer(audit.app, name="audit")
app.add_typer(bench.app, name="bench")
app.add_typer(db.app, name="db")
app.add_typer(demo.app, name="demo")
app.add_typer(mcp.app, name="mcp")
app.add_typer(evaluation.app, name="eval")
app.add_typer(knowledge.app, name="knowledge")
app.add_typer(learn.app, name="learn")
app.add_typer(policy.app, name="policy")
app.add_typer(skills.app, name="skills")
app.add_typer(systems.app, name="systems")
app.add_typer(tools.app, name="tools")
app.add_typer(users.app, name="users")
