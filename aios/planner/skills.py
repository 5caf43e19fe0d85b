"""Skills as data: YAML files that say what a request looks like and what to do about it.

A skill names its slots (typed: an order, an amount, a case, …), gives example utterances the
embedded planner learns from, and lists its steps as tool calls whose arguments are templates
over the slots. A bad file is refused at load with its path, line and reason.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from aios.config_files import ConfigFileError, load_yaml_model
from aios.planner.skill_check import check_skill
from aios.planner.templates import check_template
from connectors.registry import Registry

SlotType = Literal[
    "account",
    "contact",
    "case",
    "order",
    "invoice",
    "money",
    "email",
    "phone",
    "address",
    "text",
    "choice",
    "date",
    "period",
    "name",
    "product",
]
Resolve = Literal[
    "open_case_of_account",
    "invoice_of_order",
    "primary_contact",
    "named_contact",
    "pending_order_of_account",
    "overdue_invoice_of_account",
]


class Slot(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    type: SlotType
    required: bool = False
    ask: str | None = Field(None, description="The one question asked when the slot is missing.")
    default: str | None = Field(None, description="A template used when the slot is missing.")
    choices: dict[str, list[str]] = Field(
        default_factory=dict, description="For type choice: value -> words that mean it."
    )
    after: list[str] = Field(
        default_factory=list,
        description="For type text: words after which the value starts, e.g. `because`.",
    )
    payload: bool = Field(
        False,
        description="For type text: the request's content (a note's body, a case's subject): "
        "what follows a colon or a dash after the skill's words is taken whole as this slot.",
    )
    resolve: Resolve | None = Field(
        None, description="How to find the record from the others when it is not named."
    )

    @model_validator(mode="after")
    def _consistent(self) -> Slot:
        if self.required and self.default is None and not self.ask:
            raise ValueError(f"slot {self.name} is required: give it an `ask` question")
        if (self.type == "choice") != bool(self.choices):
            raise ValueError(f"slot {self.name}: `choices` go with type choice, and only there")
        if (self.after or self.payload) and self.type != "text":
            raise ValueError(
                f"slot {self.name}: `after` and `payload` go with type text, and only there"
            )
        if self.default is not None:
            check_template(self.default)
        return self


class Check(BaseModel):
    """A rule checked before a plan is shown: when ``when`` renders true, say ``say`` instead."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    when: str = Field(description="A template over the slots.")
    say: str = Field(description="A template: why the request cannot go ahead, what to do.")

    @model_validator(mode="after")
    def _templates(self) -> Check:
        check_template(self.when)
        check_template(self.say)
        return self


class Step(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    tool: str = Field(pattern=r"^[a-z]+\.[a-z_]+$")
    args: dict[str, str] = Field(default_factory=dict, description="Argument templates.")
    when: str | None = Field(None, description="A template; the step runs when it renders true.")
    describe: str = Field(description="A template: what this step does, for the plan view.")

    @field_validator("name")
    @classmethod
    def _not_a_dict_method(cls, name: str) -> str:
        # Replies read results as `results.<step>`; a dict method's name would shadow it.
        if hasattr(dict, name):
            raise ValueError(f"step name {name!r} is a dict method; choose another")
        return name

    @field_validator("args")
    @classmethod
    def _templates(cls, args: dict[str, str]) -> dict[str, str]:
        for template in args.values():
            check_template(template)
        return args


class Skill(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    description: str = Field(min_length=10)
    examples: list[str] = Field(min_length=10, description="Utterances that mean this skill.")
    requires: list[str] = Field(
        default_factory=list,
        description="Words (or word beginnings) of which a request must contain one to match "
        "this skill: keeps a look-up from being mistaken for a change that resembles it.",
    )
    slots: list[Slot] = Field(default_factory=list)
    checks: list[Check] = Field(
        default_factory=list, description="Refusals decided before anything runs, first match."
    )
    steps: list[Step] = Field(default_factory=list)
    reply: str = Field(description="A template over the slots and the steps' results.")
    answer_from_knowledge: bool = Field(
        False, description="Answer from the company's documents instead of running steps."
    )
    lists_approvals: bool = Field(
        False, description="List the approval requests waiting on the user, and their own."
    )

    @model_validator(mode="after")
    def _consistent(self) -> Skill:
        check_template(self.reply)
        for example in self.examples:
            if not self.accepts(example):
                raise ValueError(f"example {example!r} has none of the `requires` words")
        names = [slot.name for slot in self.slots]
        if len(names) != len(set(names)):
            raise ValueError("slot names must be unique")
        steps = [step.name for step in self.steps]
        if len(steps) != len(set(steps)):
            raise ValueError("step names must be unique")
        return self

    def accepts(self, text: str) -> bool:
        """Whether ``text`` has one of the words this skill requires (always, if none)."""
        if not self.requires:
            return True
        words = "|".join(re.escape(word) for word in self.requires)
        return re.search(rf"\b(?:{words})", text, re.IGNORECASE) is not None

    def slot(self, name: str) -> Slot | None:
        return next((s for s in self.slots if s.name == name), None)


class SkillFilesError(ValueError):
    """Skill files are wrong: every problem found, one a line, each ``path:line: reason``."""

    def __init__(self, problems: list[ConfigFileError]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(problem) for problem in problems))


def read_skills(folder: Path, registry: Registry) -> tuple[list[Skill], list[ConfigFileError]]:
    """The skills in ``folder`` that load and fit the operations they call, and every problem
    of the others (all of them, so that one run shows everything to fix)."""
    skills: list[Skill] = []
    problems: list[ConfigFileError] = []
    for path in sorted(folder.glob("*.yaml")):
        try:
            skill = load_yaml_model(path, Skill)
        except ConfigFileError as problem:
            problems.append(problem)
            continue
        found = check_skill(path, skill, registry)
        if any(s.name == skill.name for s in skills):
            found.append(ConfigFileError(path, None, f"skill {skill.name} is defined twice"))
        problems += found
        if not found:
            skills.append(skill)
    if not skills and not problems:
        problems.append(ConfigFileError(folder, None, "no skill files (*.yaml) found"))
    return skills, problems


def load_skills(folder: Path, registry: Registry) -> list[Skill]:
    """Every ``*.yaml`` skill in ``folder``; SkillFilesError with every problem if any."""
    skills, problems = read_skills(folder, registry)
    if problems:
        raise SkillFilesError(problems)
    return skills
