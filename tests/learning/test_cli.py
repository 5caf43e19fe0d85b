"""``aios learn``: an owner reviews what conversations taught, from a terminal."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from aios.cli.main import app
from tests.learning.test_loop import _corrected_scrapping


def test_an_owner_reviews_candidates_in_the_terminal(runtime, users):
    candidate = _corrected_scrapping(runtime, users)
    runner = CliRunner()
    listed = runner.invoke(app, ["learn", "list", "--json"])
    assert listed.exit_code == 0, listed.output
    first = json.loads(listed.output)[0]  # the correction comes first
    assert (first["id"], first["skill"]) == (candidate.id, "cancel_order")

    nothing = runner.invoke(app, ["learn", "review", "--as", "alice"])  # an agent owns nothing
    assert "Nothing for you to review" in nothing.output

    # Erin (a manager) sees the correction first: accept it, dismiss the rejection after it.
    reviewed = runner.invoke(app, ["learn", "review", "--as", "erin"], input="a\nd\n")
    assert reviewed.exit_code == 0, reviewed.output
    assert f"{candidate.id} accepted" in reviewed.output
    assert runtime.learning.get(candidate.id).status == "accepted"
    assert [e.kind for e in runtime.learning.examples(status="dismissed")] == ["rejected"]

    again = runner.invoke(app, ["learn", "accept", candidate.id, "--as", "erin"])
    assert again.exit_code == 1 and "already accepted" in again.output
