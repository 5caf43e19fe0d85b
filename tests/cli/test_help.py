"""Every command's ``--help`` reads as plain words: values named as Click names them (TEXT,
PATH, none for a flag), arguments as NAME in the usage line, no source markup, and no sentence
broken where its docstring's line happened to end."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from aios.cli.main import app

ARTIFACTS = {
    "a Python type": re.compile(r"<[A-Za-z][\w\[\]|, ]*>"),
    "a placeholder": re.compile(r"\{\w+\}"),
    "source markup": re.compile(r"`"),
}
# Wide enough that nothing wraps: a line that still breaks does so because the text does.
WIDE = "2000"
_CONTINUED = re.compile(r"^│\s{6,}[a-z]")  # a table row that goes on in lower case


def _commands(command: Any, path: list[str]) -> Iterator[list[str]]:
    yield path
    for name, sub in getattr(command, "commands", {}).items():
        yield from _commands(sub, [*path, name])


COMMANDS = list(_commands(typer.main.get_command(app), []))


def broken_sentences(shown: str) -> list[str]:
    """Lines that go on in lower case from the line before: one sentence cut in two."""
    broken, before = [], ""
    for line in shown.splitlines():
        if _CONTINUED.match(line) or (before.strip() and re.match(r"^ [a-z]", line)):
            broken.append(line.strip())
        before = "" if line.startswith("│") else line
    return broken


def test_every_command_is_walked():
    assert len(COMMANDS) > 40 and ["eval", "run"] in COMMANDS and ["users", "add-key"] in COMMANDS


@pytest.mark.parametrize("path", COMMANDS, ids=lambda p: " ".join(["aios", *p]))
def test_help_reads_as_words(path: list[str]) -> None:
    shown = CliRunner().invoke(app, [*path, "--help"], env={"COLUMNS": WIDE})
    assert shown.exit_code == 0, shown.output
    found = {what: p.findall(shown.output) for what, p in ARTIFACTS.items()}
    assert {what: hits for what, hits in found.items() if hits} == {}
    assert broken_sentences(shown.output) == []


def test_values_are_named_and_flags_take_none():
    shown = CliRunner().invoke(app, ["eval", "run", "--help"], env={"COLUMNS": WIDE}).output
    assert "Usage: aios eval run [OPTIONS] PATHS..." in shown
    assert re.search(r"--only\s+TEXT\s", shown) and re.search(r"--k\s+INTEGER \[x>=1\]", shown)
    assert re.search(r"--json\s+Print one JSON document instead", shown)
    slack = CliRunner().invoke(app, ["slack", "--help"], env={"COLUMNS": WIDE}).output
    assert re.search(r"--mode\s+\[socket\|http\]", slack)
