"""The scenario runner itself: passing, failing with a clear message, refusing bad files."""

from __future__ import annotations

import textwrap

import pytest

from aios.config_files import ConfigFileError
from aios.eval.metrics import pass_hat_k, summarize
from aios.eval.runner import RunResult
from aios.eval.scenarios import Scenario, load_scenarios

PASSING = """
scenarios:
  - id: small-refund
    user: alice
    turns:
      - say: refund $20 on SO-1042
        expect: {tools: [], asks_confirmation: true, reply_contains: ["$20.00"]}
      - approve: true
        expect: {tools: [erp.create_refund], status: completed}
    expect_state:
      - {system: erp, table: refunds, where: {invoice_id: INV-2038, amount_cents: 2000}, count: 1}
"""


def _write(tmp_path, text: str, name: str = "s.yaml"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text))
    return path


def test_a_passing_scenario_passes(runner, tmp_path):
    [scenario] = load_scenarios([_write(tmp_path, PASSING)])
    result = runner.run(scenario)
    assert result.passed, result.problems


def test_each_run_starts_from_fresh_demo_data(runner, tmp_path):
    [scenario] = load_scenarios([_write(tmp_path, PASSING)])
    assert runner.run(scenario).passed
    assert runner.run(scenario).passed  # count: 1 would fail if the first refund remained


def test_a_wrong_expectation_fails_with_a_clear_message(runner, tmp_path):
    wrong = PASSING.replace('reply_contains: ["$20.00"]', 'reply_contains: ["$99.00"]').replace(
        "amount_cents: 2000}", "amount_cents: 9900}"
    )
    [scenario] = load_scenarios([_write(tmp_path, wrong)])
    result = runner.run(scenario)
    assert not result.passed
    assert any(p.startswith("turn 1: reply does not contain '$99.00'") for p in result.problems)
    assert any("expected 1 row(s) of erp.refunds" in p for p in result.problems)


def test_forbidden_rows_and_unexpected_tools_fail(runner, tmp_path):
    text = PASSING.replace("expect_state:", "forbid_state:").replace(
        "tools: [erp.create_refund]", "tools: [crm.add_note]"
    )
    [scenario] = load_scenarios([_write(tmp_path, text)])
    problems = runner.run(scenario).problems
    assert "turn 2: expected tools ['crm.add_note'], called ['erp.create_refund']" in problems
    assert any(p.startswith("found 1 forbidden row(s) of erp.refunds") for p in problems)


def test_a_declined_confirmation_writes_nothing(runner):
    scenario = Scenario.model_validate(
        {
            "id": "declined",
            "user": "alice",
            "turns": [{"say": "refund $20 on SO-1042"}, {"approve": False}],
            "forbid_state": [
                {"system": "erp", "table": "refunds", "where": {"invoice_id": "INV-2038"}}
            ],
        }
    )
    assert runner.run(scenario).passed


def test_a_variant_replaces_the_first_message(runner, tmp_path):
    text = PASSING.replace(
        "    user: alice\n", "    user: alice\n    variants: [refund 20 dollars on SO-1042]\n"
    )
    [scenario] = load_scenarios([_write(tmp_path, text)])
    results = list(runner.run_all([scenario], variants=True))
    assert [r.label for r in results] == ["small-refund", "small-refund[1]"]
    assert results[1].text == "refund 20 dollars on SO-1042"
    assert all(r.passed for r in results)


def test_a_bad_scenario_file_is_refused_with_its_line(tmp_path):
    bad = PASSING.replace("      - approve: true\n", "      - approve: true\n        say: hello\n")
    with pytest.raises(ConfigFileError) as caught:
        load_scenarios([_write(tmp_path, bad)])
    assert caught.value.line == bad.splitlines().index("      - approve: true") + 1
    assert "either `say: text` or `approve: true|false`" in str(caught.value)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ("user: alice", "unknown user 'mallory'"),
        ("table: refunds", "erp has no table 'refundz'"),
    ],
)
def test_unknown_users_and_tables_are_refused(tmp_path, change, message):
    bad = PASSING.replace(change, change.replace("alice", "mallory").replace("refunds", "refundz"))
    with pytest.raises(ConfigFileError, match=message):
        load_scenarios([_write(tmp_path, bad)])


def test_duplicate_ids_are_refused(tmp_path):
    first = _write(tmp_path, PASSING, "a.yaml")
    second = _write(tmp_path, PASSING, "b.yaml")
    with pytest.raises(ConfigFileError, match="also defined in"):
        load_scenarios([first, second])


def test_pass_hat_k_arithmetic():
    assert pass_hat_k(4, 4, 3) == 1.0
    assert pass_hat_k(3, 4, 3) == 1 / 4  # C(3,3)/C(4,3)
    assert pass_hat_k(2, 4, 3) == 0.0
    assert pass_hat_k(3, 5, 2) == 3 / 10  # C(3,2)/C(5,2)
    with pytest.raises(ValueError):
        pass_hat_k(5, 4, 3)


def test_summary_averages_pass_hat_k_over_scenarios_with_variants():
    def run(scenario: str, variant: int, ok: bool) -> RunResult:
        return RunResult(scenario, variant, "", [] if ok else ["failed"])

    runs = [run("a", i, True) for i in range(4)]
    runs += [run("b", 0, True), run("b", 1, True), run("b", 2, True), run("b", 3, False)]
    runs += [run("c", 0, False)]  # no variants: counted, but not in pass^k
    summary = summarize(runs, k=3)
    assert (summary.passed, summary.failed) == (7, 2)
    assert summary.scenarios_with_variants == 2
    assert summary.pass_hat_k == pytest.approx((1.0 + 0.25) / 2)
