"""Skill files are checked against the operations their steps call when they load: each
mistake is reported with its file and line, all at once, by `aios skills check` and at start-up."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from aios.assistant.factory import build_runtime
from aios.cli.main import app
from aios.planner.skills import SkillFilesError, load_skills, read_skills
from connectors.registry import default_registry
from tests.settings import REPO, checkout_settings

HEAD = """\
name: {name}
description: A skill written for this test.
examples: [one, two, three, four, five, six, seven, eight, nine, ten]
slots:
  - {{name: order, type: order}}
  - {{name: invoice, type: invoice, required: true, ask: "Which invoice?"}}
  - {{name: amount, type: money, required: true, ask: "How much?"}}
  - {{name: tier, type: choice, choices: {{platinum: [platinum], gold: [gold], shiny: [shiny]}}}}
reply: Done.
steps:
"""


def write_skill(folder: Path, name: str, steps: str) -> Path:
    path = folder / f"{name}.yaml"
    path.write_text(HEAD.format(name=name) + steps, encoding="utf-8")
    return path


def line_of(path: Path, fragment: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(number for number, line in enumerate(lines, 1) if fragment in line)


def only_problem(folder: Path) -> tuple[Path, int | None, str]:
    skills, problems = read_skills(folder, default_registry())
    assert skills == []
    assert len(problems) == 1, [str(p) for p in problems]
    return problems[0].path, problems[0].line, problems[0].reason


REFUND = """\
  - name: refund
    tool: erp.create_refund
    describe: Refund.
    args:
      invoice_id: "{{ invoice.id }}"
      amount: "{{ amount }}"
      reason: broken
"""


def test_the_shipped_skills_all_fit_their_operations():
    skills, problems = read_skills(REPO / "skills", default_registry())
    assert [str(p) for p in problems] == []
    assert len(skills) == len(list((REPO / "skills").glob("*.yaml")))


def test_a_well_formed_skill_loads(tmp_path):
    write_skill(tmp_path, "good", REFUND)
    assert [s.name for s in load_skills(tmp_path, default_registry())] == ["good"]


def test_an_unknown_tool_is_named_with_the_closest_one(tmp_path):
    path = write_skill(tmp_path, "bad", REFUND.replace("erp.create_refund", "erp.create_refnd"))
    assert only_problem(tmp_path) == (
        path,
        line_of(path, "tool: erp.create_refnd"),
        "steps.0.tool: unknown tool erp.create_refnd; did you mean erp.create_refund?",
    )


def test_an_unknown_argument_lists_the_ones_the_operation_takes(tmp_path):
    path = write_skill(tmp_path, "bad", REFUND + '      urgent: "yes"\n')
    where, line, reason = only_problem(tmp_path)
    assert (where, line) == (path, line_of(path, "urgent:"))
    assert reason == (
        "steps.0.args.urgent: erp.create_refund has no argument urgent "
        "(it takes amount, invoice_id, reason)"
    )


def test_a_misspelt_argument_also_leaves_out_the_one_meant(tmp_path):
    path = write_skill(tmp_path, "bad", REFUND.replace("amount: ", "amout: "))
    problems = read_skills(tmp_path, default_registry())[1]
    assert [(p.line, p.reason.split(":")[0]) for p in problems] == [
        (line_of(path, "tool:"), "steps.0.tool"),
        (line_of(path, "amout:"), "steps.0.args.amout"),
    ]


def test_a_required_field_the_step_leaves_out(tmp_path):
    path = write_skill(
        tmp_path, "bad", REFUND.replace('      invoice_id: "{{ invoice.id }}"\n', "")
    )
    assert only_problem(tmp_path) == (
        path,
        line_of(path, "tool:"),
        "steps.0.tool: erp.create_refund needs invoice_id, which this step does not give",
    )


def test_a_required_field_from_a_slot_that_may_be_missing(tmp_path):
    steps = REFUND.replace("{{ invoice.id }}", "{{ order.id if order else '' }}")
    path = write_skill(tmp_path, "bad", steps)
    problems = read_skills(tmp_path, default_registry())[1]
    reasons = {p.reason for p in problems}
    assert {p.line for p in problems} == {line_of(path, "invoice_id:")}
    assert (
        "steps.0.args.invoice_id: erp.create_refund needs invoice_id, but this can render "
        "empty: make the slots it uses required, or give them a default"
    ) in reasons
    # …and an order's id is no invoice's.
    assert (
        "steps.0.args.invoice_id: erp.create_refund invoice_id takes an invoice's id, but "
        "slot order is an order"
    ) in reasons


def test_a_constant_of_the_wrong_type(tmp_path):
    steps = """\
  - name: find
    tool: crm.find_accounts
    describe: Find.
    args:
      limit: lots
"""
    path = write_skill(tmp_path, "bad", steps)
    where, line, reason = only_problem(tmp_path)
    assert (where, line) == (path, line_of(path, "limit: lots"))
    assert reason.startswith(
        "steps.0.args.limit: 'lots' is not a valid limit for crm.find_accounts"
    )
    assert "valid integer" in reason


def test_a_constant_out_of_range_and_a_fallback_constant(tmp_path):
    steps = """\
  - name: find
    tool: crm.find_accounts
    describe: Find.
    args:
      limit: "500"
      status: "{{ user or 'dormant' }}"
"""
    path = write_skill(tmp_path, "bad", steps)
    problems = read_skills(tmp_path, default_registry())[1]
    by_line = {p.line: p.reason for p in problems}
    assert "less than or equal to 200" in by_line[line_of(path, 'limit: "500"')]
    status = by_line[line_of(path, "status:")]
    assert status.startswith("steps.0.args.status: 'dormant' is not a valid status")


def test_slot_values_a_field_does_not_take(tmp_path):
    steps = """\
  - name: find
    tool: crm.find_accounts
    describe: Find.
    args:
      tier: "{{ tier or '' }}"
      limit: "{{ amount }}"
      name: "{{ invoice }}"
"""
    path = write_skill(tmp_path, "bad", steps)
    problems = read_skills(tmp_path, default_registry())[1]
    by_line = {p.line: p.reason for p in problems}
    assert len(problems) == 3
    assert by_line[line_of(path, "tier:")].startswith(
        "steps.0.args.tier: slot tier gives its value 'shiny', which crm.find_accounts tier refuses"
    )
    assert by_line[line_of(path, "limit:")].startswith(
        "steps.0.args.limit: slot amount gives a money, which crm.find_accounts limit refuses"
    )
    assert by_line[line_of(path, 'name: "{{ invoice')] == (
        "steps.0.args.name: slot invoice is a whole invoice: give its id, {{ invoice.id }}"
    )


def test_every_problem_of_every_file_at_once_in_the_cli_and_at_start_up(tmp_path, embedder):
    folder = tmp_path / "skills"
    folder.mkdir()
    write_skill(folder, "good", REFUND)
    first = write_skill(folder, "first", REFUND.replace("erp.create_refund", "erp.nope"))
    second = write_skill(folder, "second", REFUND.replace("amount: ", "amout: "))
    (folder / "third.yaml").write_text("name: third\ndescription: [not, text]\n", encoding="utf-8")

    with pytest.raises(SkillFilesError) as raised:
        load_skills(folder, default_registry())
    lines = str(raised.value).splitlines()
    assert len(lines) == 4
    assert lines[0].startswith(f"{first}:{line_of(first, 'erp.nope')}: steps.0.tool: unknown tool")
    # A file's problems in the order of its lines.
    assert lines[1].startswith(f"{second}:{line_of(second, 'tool:')}: steps.0.tool: erp.create_")
    assert lines[2].startswith(f"{second}:{line_of(second, 'amout:')}: steps.0.args.amout:")
    assert lines[3].startswith(f"{folder / 'third.yaml'}:2: description:")

    result = CliRunner().invoke(app, ["skills", "check", "--dir", str(folder)])
    assert result.exit_code == 1
    assert result.output.splitlines()[:4] == lines
    assert "4 problem(s)" in result.output

    settings = checkout_settings(tmp_path / "data").model_copy(update={"skills_dir": folder})
    with pytest.raises(SkillFilesError) as at_start:
        build_runtime(settings, embedder=embedder)
    assert str(at_start.value) == str(raised.value)


def test_the_cli_passes_the_shipped_skills():
    result = CliRunner().invoke(app, ["skills", "check", "--dir", str(REPO / "skills")])
    assert result.exit_code == 0, result.output
    assert "fit the operations they call" in result.output
