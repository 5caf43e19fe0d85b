"""Conversation scenarios as data: what is said, what must happen, which rows must (not) exist.

A scenario file holds ``scenarios:``, a list of scenarios; a bad file is refused at load with
its path and line, like skills and policies.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from aios.config_files import ConfigFileError, load_yaml_model
from connectors.demo.company import OPERATORS

USERS = frozenset(op.username for op in OPERATORS)
TABLES = {
    "crm": frozenset({"accounts", "contacts", "cases", "notes"}),
    "erp": frozenset(
        {"customers", "products", "sales_orders", "order_lines", "invoices", "payments"}
        | {"refunds", "outbox"}
    ),
}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


def _known_user(name: str | None) -> None:
    if name is not None and name not in USERS:
        raise ValueError(f"unknown user {name!r}; demo users are {', '.join(sorted(USERS))}")


class TurnExpect(_Strict):
    """What one turn must show; a field left out is not checked."""

    tools: list[str] | None = Field(
        None, description="Operations called (step_started) in this turn, in order."
    )
    asks_confirmation: bool | None = None
    asks_clarification: bool | None = None
    reply_contains: list[str] = Field(
        default_factory=list,
        description="Substrings (any case) of the turn's message, question, error or "
        "confirmation texts.",
    )
    status: Literal["completed", "awaiting_confirmation", "needs_input", "failed", "cancelled"] | (
        None
    ) = Field(None, description="How the turn ended (the DoneEvent's status).")


class Turn(_Strict):
    say: str | None = Field(None, min_length=1, description="A message from the user.")
    approve: bool | None = Field(
        None, description="Decide the pending confirmation: true approves, false rejects."
    )
    as_: str | None = Field(None, alias="as", description="Who decides, if not the scenario user.")
    expect: TurnExpect = Field(default_factory=TurnExpect)

    @model_validator(mode="after")
    def _one_action(self) -> Turn:
        if (self.say is None) == (self.approve is None):
            raise ValueError("a turn is either `say: text` or `approve: true|false`")
        if self.as_ is not None and self.say is not None:
            raise ValueError("`as` goes with `approve`: messages come from the scenario user")
        _known_user(self.as_)
        return self


class RowCheck(_Strict):
    """Rows of a system table matched on the fields given."""

    system: Literal["crm", "erp"]
    table: str
    where: dict[str, Any] = Field(default_factory=dict, description="Field -> exact value.")
    contains: dict[str, str] = Field(
        default_factory=dict, description="Field -> substring its text must contain (any case)."
    )
    count: int | None = Field(
        None, ge=0, description="Exactly this many rows; by default at least one."
    )

    @model_validator(mode="after")
    def _known_table(self) -> RowCheck:
        if self.table not in TABLES[self.system]:
            known = ", ".join(sorted(TABLES[self.system]))
            raise ValueError(f"{self.system} has no table {self.table!r}; it has {known}")
        return self

    def label(self) -> str:
        fields = {**self.where, **{f"{k}~": v for k, v in self.contains.items()}}
        return f"{self.system}.{self.table} {fields}"


class Scenario(_Strict):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")
    user: str = Field(description="The demo operator who talks, e.g. alice.")
    description: str = ""
    variants: list[str] = Field(
        default_factory=list, description="Paraphrases of the first turn's `say`."
    )
    turns: list[Turn] = Field(min_length=1)
    expect_state: list[RowCheck] = Field(default_factory=list)
    forbid_state: list[RowCheck] = Field(default_factory=list)

    @model_validator(mode="after")
    def _consistent(self) -> Scenario:
        _known_user(self.user)
        if self.turns[0].say is None:
            raise ValueError("the first turn must be a `say`")
        return self

    def texts(self) -> list[str]:
        """The first message as written, then its paraphrases."""
        return [str(self.turns[0].say), *self.variants]


class ScenarioFile(_Strict):
    scenarios: list[Scenario] = Field(min_length=1)


def load_scenarios(paths: Iterable[Path]) -> list[Scenario]:
    """Every scenario in ``paths`` (files, or folders searched for ``*.yaml``), ids unique."""
    found: list[Scenario] = []
    seen: dict[str, Path] = {}
    for path in _files(paths):
        for scenario in load_yaml_model(path, ScenarioFile).scenarios:
            if scenario.id in seen:
                raise ConfigFileError(
                    path, None, f"scenario {scenario.id} is also defined in {seen[scenario.id]}"
                )
            seen[scenario.id] = path
            found.append(scenario)
    return found


def _files(paths: Iterable[Path]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files += sorted(path.rglob("*.yaml"))
        elif path.exists():
            files.append(path)
        else:
            raise ConfigFileError(path, None, "no such file or folder")
    return files
