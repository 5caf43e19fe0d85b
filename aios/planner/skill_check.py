"""Skills checked against the operations their steps call, when they load.

A step's arguments are templates whose rendering becomes an operation's typed input. A
misspelt argument, a required field left out, a constant of the wrong type or a slot of the
wrong kind would otherwise show only when an operator's request reaches that step; here each
is reported with its file and line, all of them at once.
"""

from __future__ import annotations

from difflib import get_close_matches
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml
from pydantic import TypeAdapter, ValidationError
from pydantic.fields import FieldInfo

from aios.config_files import ConfigFileError, line_of
from aios.planner.templates import Outcome, may_be_empty, outcomes
from connectors.operation import Operation
from connectors.record_kinds import RecordKind
from connectors.registry import Registry

if TYPE_CHECKING:
    from aios.planner.skills import Skill, Slot, Step

# What a slot of each type renders as, to try on the field it fills. Records are checked by
# kind instead, periods by their start and end; choices by their own values.
_SAMPLES = {
    "money": "45.50",
    "email": "ann.lee@example.com",
    "phone": "+1 503 555 0100",
    "address": "12 Harbour Road, Portland, OR 97201",
    "text": "arrived damaged",
    "name": "Acme",
    "date": "2026-01-31",
}
_PERIOD_BOUND = "2026-01-01"


def check_skill(path: Path, skill: Skill, registry: Registry) -> list[ConfigFileError]:
    """Every way ``skill``'s steps do not fit the operations they call."""
    found: list[tuple[tuple[int | str, ...], str]] = [
        (("steps", index, *loc), reason)
        for index, step in enumerate(skill.steps)
        for loc, reason in _step_problems(skill, step, registry)
    ]
    if not found:
        return []
    # Lines are looked up only for a file with problems: composing YAML again costs time.
    node = yaml.compose(path.read_text(encoding="utf-8"), Loader=yaml.SafeLoader)
    problems: list[ConfigFileError] = []
    for where, reason in found:
        field = ".".join(str(part) for part in where)
        problems.append(ConfigFileError(path, line_of(node, where), f"{field}: {reason}"))
    return sorted(problems, key=lambda problem: problem.line or 0)


def _step_problems(
    skill: Skill, step: Step, registry: Registry
) -> list[tuple[tuple[str, ...], str]]:
    if step.tool not in registry:
        near = get_close_matches(step.tool, [op.tool_name for op in registry], n=1)
        hint = f"; did you mean {near[0]}?" if near else ""
        return [(("tool",), f"unknown tool {step.tool}{hint}")]
    op = registry.get(step.tool)
    fields = op.input_model.model_fields
    found: list[tuple[tuple[str, ...], str]] = []
    for name, template in step.args.items():
        field = fields.get(name)
        if field is None:
            known = ", ".join(sorted(fields))
            found.append(
                (("args", name), f"{op.tool_name} has no argument {name} (it takes {known})")
            )
        elif name not in op.acting_fields:
            problems = _value_problems(skill, op, name, field, template, registry.record_kinds)
            found += [(("args", name), reason) for reason in problems]
    for name, field in fields.items():
        if not field.is_required() or name in op.acting_fields:
            continue  # who acts is set from the caller, whatever a skill says
        if name not in step.args:
            reason = f"{op.tool_name} needs {name}, which this step does not give"
            found.append((("tool",), reason))
        elif may_be_empty(step.args[name], lambda value: _may_be_missing(skill, value)):
            reason = (
                f"{op.tool_name} needs {name}, but this can render empty: make the slots it "
                "uses required, or give them a default"
            )
            found.append((("args", name), reason))
    return found


def _value_problems(
    skill: Skill,
    op: Operation[Any, Any],
    name: str,
    field: FieldInfo,
    template: str,
    kinds: list[RecordKind],
) -> list[str]:
    found: list[str] = []
    for outcome in outcomes(template) or []:
        if outcome.constant:
            if (error := _refusal(field, outcome.constant)) is not None:
                found.append(
                    f"{outcome.constant!r} is not a valid {name} for {op.tool_name}: {error}"
                )
        elif (slot := _slot_of(skill, outcome)) is None:
            continue
        elif (kind := next((k for k in kinds if k.name == slot.type), None)) is not None:
            found += _record_problems(op, name, slot, outcome, kind, kinds)
        else:
            found += _value_problems_of_slot(op, name, field, slot, outcome)
    return found


def _value_problems_of_slot(
    op: Operation[Any, Any], name: str, field: FieldInfo, slot: Slot, outcome: Outcome
) -> list[str]:
    tries: list[str] = []
    if slot.type == "choice" and outcome.attr is None:
        tries = list(slot.choices)
    elif slot.type == "period" and outcome.attr in ("start", "end"):
        tries = [_PERIOD_BOUND]
    elif slot.type in _SAMPLES and outcome.attr is None:
        tries = [_SAMPLES[slot.type]]
    for value in tries:
        if (error := _refusal(field, value)) is not None:
            given = f"its value {value!r}" if slot.type == "choice" else _a(slot.type)
            return [f"slot {slot.name} gives {given}, which {op.tool_name} {name} refuses: {error}"]
    return []


def _record_problems(
    op: Operation[Any, Any],
    name: str,
    slot: Slot,
    outcome: Outcome,
    kind: RecordKind,
    kinds: list[RecordKind],
) -> list[str]:
    """A whole record where its id is meant, or an id given to the field for another kind's
    (``invoice_id: {{ order.id }}``)."""
    if outcome.attr is None:
        return [f"slot {slot.name} is a whole {kind.noun}: give its id, {{{{ {slot.name}.id }}}}"]
    wanted = next((k for k in kinds if k.id_field == name), None)
    if outcome.attr == "id" and wanted is not None and wanted != kind:
        return [
            f"{op.tool_name} {name} takes {_a(wanted.noun)}'s id, but slot {slot.name} is "
            f"{_a(kind.noun)}"
        ]
    return []


def _a(noun: str) -> str:
    return f"an {noun}" if noun[0] in "aeiou" else f"a {noun}"


def _slot_of(skill: Skill, outcome: Outcome) -> Slot | None:
    return skill.slot(outcome.name) if outcome.name else None


def _may_be_missing(skill: Skill, name: str) -> bool:
    slot = skill.slot(name)
    return slot is not None and not slot.required and slot.default is None


def _refusal(field: FieldInfo, value: str) -> str | None:
    """Why ``field`` refuses ``value`` as a rendered argument, or None if it takes it."""
    try:
        TypeAdapter(field.rebuild_annotation()).validate_python(value)
    except ValidationError as exc:
        return str(exc.errors(include_url=False)[0]["msg"])
    return None
