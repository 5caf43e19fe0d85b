"""A real turn through the real assistant, traced: one trace per turn, a span per graph step
inside it, a span per connector call inside its step, and log lines that carry the turn's ids;
none of them carries what the calls were asked."""

from __future__ import annotations

from collections import defaultdict

from opentelemetry.sdk.trace import ReadableSpan

from connectors.demo import _planted as planted
from tests.assistant.conftest import kinds
from tests.observability.conftest import hex_span, hex_trace

REQUEST = (
    "Blue Harbor says order SO-1042 arrived broken, refund them $45 and note it on their open case"
)
SESSION = "obs-1"
# Everything a span may say about a turn: names, ids and outcomes.
ATTRIBUTES = {
    "aios.session_id",
    "aios.turn",
    "aios.user",
    "aios.step",
    "aios.next",
    "aios.run.outcome",
    "aios.outcome",
    "aios.tool",
    "aios.tool.kind",
    "error.type",
}


def _traces(spans: list[ReadableSpan]) -> list[list[ReadableSpan]]:
    """Each trace's spans in the order they started, traces in the order they started."""
    by_trace: dict[int, list[ReadableSpan]] = defaultdict(list)
    for span in sorted(spans, key=lambda s: s.start_time or 0):
        by_trace[span.context.trace_id].append(span)
    return list(by_trace.values())


def _tree(trace: list[ReadableSpan]) -> tuple[ReadableSpan, list[tuple[ReadableSpan, list]]]:
    """The trace's one root, its children, and theirs; asserts nothing hangs elsewhere."""
    (root,) = [s for s in trace if s.parent is None]
    children: dict[int, list[ReadableSpan]] = defaultdict(list)
    for span in trace:
        if span.parent is not None:
            children[span.parent.span_id].append(span)
    steps = children.pop(root.context.span_id)
    tree = [(step, children.pop(step.context.span_id, [])) for step in steps]
    assert not children, "spans under something other than the turn or a step"
    return root, tree


def _argument_values(plan, operator: str) -> set[str]:
    """What the turn's calls were given (but the operator's own name, as the note's author:
    spans name who acts)."""
    values = {str(v) for step in plan.steps for v in step.args.values()} - {operator}
    return values | {"SO-1042", "Blue Harbor"}


def test_each_turn_is_a_trace_of_its_steps_and_their_connector_calls(runtime, users, spans):
    alice = users["alice"]
    asked = list(runtime.assistant.handle(SESSION, alice, REQUEST))
    assert kinds(asked) == ["plan", "confirmation_required", "done"]
    done = list(runtime.assistant.handle(SESSION, alice, "yes"))
    # The refund is told as soon as it is done, before the note is asked about.
    assert kinds(done) == [
        "step_started",
        "step_finished",
        "message",
        "confirmation_required",
        "done",
    ]

    planning, refunding = _traces(list(spans.get_finished_spans()))

    root, tree = _tree(planning)
    assert root.name == "turn"
    assert root.attributes["aios.session_id"] == SESSION
    assert root.attributes["aios.user"] == "alice"
    turn = root.attributes["aios.turn"]
    assert [step.name for step, _ in tree] == ["step understand", "step await_decision"]
    for step, _ in tree:
        assert step.attributes["aios.session_id"] == SESSION
        assert step.attributes["aios.turn"] == turn
    (understand, lookups), (waiting, nothing) = tree
    assert understand.attributes["aios.outcome"] == "ok"
    assert understand.attributes["aios.next"] == "await_decision"
    assert waiting.attributes["aios.outcome"] == "paused"  # for alice's confirmation
    assert nothing == []
    looked_up = [call.attributes["aios.tool"] for call in lookups]
    assert looked_up[0] == "crm.find_accounts" and "erp.get_invoice" in looked_up
    assert [call.name for call in lookups] == [f"tool {tool}" for tool in looked_up]
    # Lookups, and the write checked by the system's rules before alice is asked.
    assert {call.attributes["aios.tool.kind"] for call in lookups} == {"read", "validate"}
    assert {call.attributes["aios.outcome"] for call in lookups} == {"ok"}

    root, tree = _tree(refunding)
    assert root.attributes["aios.turn"] != turn
    steps = [step.name.removeprefix("step ") for step, _ in tree]
    assert steps == ["await_decision", "act", "guard", "await_decision"]
    (_, act_calls) = tree[1]
    (refund,) = act_calls
    assert refund.name == "tool erp.create_refund"
    assert refund.attributes["aios.tool.kind"] == "write"
    assert refund.attributes["aios.outcome"] == "ok"
    assert tree[3][0].attributes["aios.outcome"] == "paused"  # the note waits for its yes

    secrets = _argument_values(asked[0], alice.name)
    assert planted.DAMAGED_INVOICE in secrets
    for span in planning + refunding:
        assert set(span.attributes) <= ATTRIBUTES, span.name
        for value in span.attributes.values():
            assert not any(secret in str(value) for secret in secrets), (span.name, value)


def test_a_failed_call_says_its_code_and_not_what_was_asked(runtime, users, spans):
    events = list(runtime.assistant.handle(SESSION, users["alice"], "show me invoice INV-9999"))
    assert events[-1].type == "done"

    root, tree = _tree(_traces(list(spans.get_finished_spans()))[0])
    ((understand, calls),) = tree
    failed = [call for call in calls if call.attributes["aios.outcome"] == "failed"]
    assert [call.name for call in failed] == ["tool erp.get_invoice"]
    assert failed[0].attributes["error.type"] == "not_found"
    assert failed[0].status.description is None  # the message names the invoice
    assert understand.attributes["aios.outcome"] == "ok"  # the step reported it, and ended
    for span in [root, understand, *calls]:
        assert "INV-9999" not in str(dict(span.attributes))


def test_a_turns_log_lines_carry_its_session_and_trace(runtime, users, spans, json_lines):
    alice = users["alice"]
    list(runtime.assistant.handle(SESSION, alice, REQUEST))
    list(runtime.assistant.handle(SESSION, alice, "yes"))

    finished = list(spans.get_finished_spans())
    calls = {hex_span(s): s for s in finished if s.name.startswith("tool ")}
    steps = {s.context.span_id: s for s in finished if s.name.startswith("step ")}
    turns = {hex_trace(s): s for s in finished if s.name == "turn"}
    lines = [line for line in json_lines() if line["event"] == "tool call"]
    assert len(lines) == len(calls) >= 6  # five lookups, then the refund
    for line in lines:
        call = calls[line["span_id"]]  # logged inside the call's own span
        assert line["trace_id"] == hex_trace(call)
        assert line["session_id"] == SESSION and line["user"] == "alice"
        assert line["turn"] == turns[line["trace_id"]].attributes["aios.turn"]
        assert line["step"] == steps[call.parent.span_id].attributes["aios.step"]
        assert line["tool"] == call.attributes["aios.tool"]
        assert (line["kind"], line["outcome"]) == (call.attributes["aios.tool.kind"], "ok")
        assert planted.DAMAGED_INVOICE not in str(line)
    assert len({line["trace_id"] for line in lines}) == 2  # one per turn
    acts = [line for line in lines if line["step"] == "act"]
    assert [line["tool"] for line in acts] == ["erp.create_refund"]
