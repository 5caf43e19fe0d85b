"""Commands that need no model start without the heavy stack: no torch, no Chroma, no LangGraph,
no Chainlit, no planner. Checked by what each process actually imported (``-X importtime``
names every module as it loads), never by a timing."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from aios.cli.bench import StoreChoice
from aios.knowledge.bench_scale import Store

HEAVY = (
    "torch",
    "sentence_transformers",
    "transformers",
    "chromadb",
    "langgraph",
    "langchain_core",
    "chainlit",
    "aios.planner",
    "aios.graph",
)
LIGHT_COMMANDS = [
    ["--help"],
    ["approvals", "list"],
    ["approvals", "decide", "AP-NOSUCHREQUEST", "--as", "dave"],
    ["users", "list"],
    ["audit", "verify"],
    ["policy", "check", "--user", "alice", "--tool", "erp.create_refund"],
    ["bench", "--help"],
]


def heavy(imported: list[str]) -> list[str]:
    return sorted(m for m in imported if any(m == h or m.startswith(h + ".") for h in HEAVY))


def _loaded(stderr: str) -> list[str]:
    """The modules a ``-X importtime`` run loaded, from its report on stderr."""
    return [
        line.rsplit("|", 1)[1].strip()
        for line in stderr.splitlines()
        if line.startswith("import time:")
    ][1:]  # the first line is the report's header


def test_building_the_whole_command_tree_imports_nothing_heavy():
    code = (
        "import sys, typer; from aios.cli.main import app; typer.main.get_command(app); "
        "print('\\n'.join(sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert heavy(done.stdout.splitlines()) == []


@pytest.mark.parametrize("args", LIGHT_COMMANDS, ids=" ".join)
def test_a_command_that_needs_no_model_loads_none(args, demo_settings):
    env = {**os.environ, "AIOS_DATA_DIR": str(demo_settings.data_dir)}
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "aios.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=demo_settings.skills_dir.parent,
    )
    assert "Traceback" not in done.stderr, done.stderr[-2000:]
    loaded = _loaded(done.stderr)
    assert "aios.cli.main" in loaded  # the report is read right: it names what was imported
    assert heavy(loaded) == []


def test_the_bench_names_the_stores_the_scale_run_knows():
    assert [s.value for s in StoreChoice] == [s.value for s in Store]
