"""Filling a skill's slots from what was said, what was said before, and the live systems."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from aios.planner.entities import Entities, extract
from aios.planner.protocol import Memory
from aios.planner.records import Records, name_candidates
from aios.planner.skills import Skill, Slot
from aios.planner.templates import render

# Words by which a message points back at something said before.
_BACK_REFERENCE = re.compile(
    r"\b(it|its|them|their|they|that|this|those|same|previous|last|him|her|his)\b", re.I
)
RECORD_KINDS = ("account", "order", "invoice", "case", "contact")


@dataclass
class Question:
    """A slot could not be filled: ask this, optionally offering these records."""

    slot: str
    text: str
    options: dict[str, str] = field(default_factory=dict)


@dataclass
class Filling:
    values: dict[str, Any]
    question: Question | None = None
    problem: str | None = None


class SlotFiller:
    def __init__(self, records: Records) -> None:
        self.records = records

    def fill(
        self,
        skill: Skill,
        text: str,
        context: Entities,
        memory: Memory,
        given: dict[str, Any] | None = None,
        message: str | None = None,
    ) -> Filling:
        """Fill ``skill``'s slots from ``text`` (this request), ``context`` (the whole message),
        ``memory`` (earlier turns) and ``given`` (values already settled). ``message`` is the
        whole message ``text`` came from, for templates that quote it."""
        own = extract(text)
        values: dict[str, Any] = {"request": text, "message": message or text}
        ids = dict(context.ids) | dict(own.ids)
        refers_back = bool(_BACK_REFERENCE.search(text)) or not any(ids.values())
        for slot in skill.slots:
            if given and slot.name in given:
                values[slot.name] = given[slot.name]
                continue
            found = self._one(slot, text, own, context, ids, memory, values, refers_back)
            if isinstance(found, Question):
                return Filling(values, question=found)
            if isinstance(found, _Problem):
                return Filling(values, problem=found.message)
            if found is None and slot.default is not None:
                found = render(slot.default, values, strict=False) or None
            if found is None and slot.required:
                return Filling(values, question=Question(slot.name, slot.ask or slot.name))
            values[slot.name] = found
        return Filling(values)

    def fetch(self, kind: str, record_id: str) -> dict[str, Any] | None:
        found = self._fetch(kind, record_id)
        return found if isinstance(found, dict) else None

    def value_from_answer(self, slot: Slot, text: str, memory: Memory) -> Any:
        """The value a reply to "which/how much …?" gives for ``slot``, or None."""
        said = extract(text, bare_numbers_are_money=slot.type == "money")
        if slot.type in RECORD_KINDS:
            if said.ids.get(slot.type):
                return self.fetch(slot.type, said.ids[slot.type][0])
            if slot.type == "account":
                found = self._account(text, said.ids, memory, refers_back=False)
                return found if isinstance(found, dict) else None
            return None
        if slot.type == "text":
            return _first(said.quoted) or text.strip()
        value = self._one(slot, text, said, said, said.ids, memory, {}, False)
        return value if not isinstance(value, Question | _Problem) else None

    def correction(self, slot: Slot, text: str, said: Entities, previous: Any) -> Any:
        """The new value "no, make it …" gives for ``slot``, or None when it leaves it alone."""
        if slot.type == "money" and said.amounts:
            return str(said.amounts[0])
        if slot.type in RECORD_KINDS and said.ids.get(slot.type):
            return self.fetch(slot.type, said.ids[slot.type][0])
        if slot.type == "account" and re.search(r"\bother\b", text, re.I):
            before = previous.get("id") if isinstance(previous, dict) else None
            others = [
                c for c in name_candidates(text, self.records.accounts()) if c["id"] != before
            ]
            return others[0] if len(others) == 1 else None
        found = {"email": said.emails, "phone": said.phones, "address": said.addresses}
        return _first(found.get(slot.type, []))

    def _one(
        self,
        slot: Slot,
        text: str,
        own: Entities,
        context: Entities,
        ids: dict[str, list[str]],
        memory: Memory,
        values: dict[str, Any],
        refers_back: bool,
    ) -> Any:
        if slot.type in RECORD_KINDS:
            return self._record(slot, text, ids, memory, values, refers_back)
        if slot.type == "money":
            amounts = own.amounts or context.amounts
            return str(amounts[0]) if amounts else None
        if slot.type == "email":
            return _first(own.emails or context.emails)
        if slot.type == "phone":
            return _first(own.phones or context.phones)
        if slot.type == "address":
            return _first(own.addresses or context.addresses)
        if slot.type == "choice":
            lowered = text.lower()
            for value, words in slot.choices.items():
                if any(re.search(rf"\b{re.escape(w.lower())}\b", lowered) for w in words):
                    return value
            return None
        if slot.type == "text":
            return _first(own.quoted)
        return None

    def _record(
        self,
        slot: Slot,
        text: str,
        ids: dict[str, list[str]],
        memory: Memory,
        values: dict[str, Any],
        refers_back: bool,
    ) -> Any:
        kind = slot.type
        said = ids.get(kind, [])
        if said:
            return self._fetch(kind, said[0])
        if kind == "account":
            return self._account(text, ids, memory, refers_back)
        account = values.get("account")
        if slot.resolve == "invoice_of_order" and values.get("order") and account:
            return self._invoice_of_order(values["order"]["id"], account["id"])
        if slot.resolve == "open_case_of_account" and account:
            return self._open_case(account)
        if slot.resolve == "primary_contact" and account:
            return self._contact(text, account)
        if refers_back and kind in memory.refs:
            return self._fetch(kind, memory.refs[kind])
        return None

    def _fetch(self, kind: str, record_id: str) -> Any:
        fetch = {
            "account": lambda i: (self.records.account(i) or {}).get("account"),
            "order": self.records.order,
            "invoice": self.records.invoice,
            "case": self.records.case,
            "contact": self.records.contact,
        }[kind]
        record = fetch(record_id)
        return record if record else _Problem(f"I couldn't find {kind} {record_id}.")

    def _account(
        self, text: str, ids: dict[str, list[str]], memory: Memory, refers_back: bool
    ) -> Any:
        for kind in ("order", "invoice", "case", "contact"):
            if ids.get(kind):
                account_id = self.records.account_id_of(kind, ids[kind][0])
                if account_id is None:
                    return _Problem(f"I couldn't find {kind} {ids[kind][0]}.")
                return self._fetch("account", account_id)
        candidates = name_candidates(text, self.records.accounts())
        if len(candidates) == 1:
            return candidates[0]
        if len(candidates) > 1:
            options = {c["id"]: f"{c['name']} ({c['id']}, {c['region']})" for c in candidates}
            return Question("account", "Which customer do you mean?", options)
        if refers_back and "account" in memory.refs:
            return self._fetch("account", memory.refs["account"])
        return None

    def _invoice_of_order(self, order_id: str, account_id: str) -> Any:
        invoices = self.records.invoices_of_order(order_id, account_id)
        if not invoices:
            return _Problem(f"Order {order_id} has no invoice to work on.")
        if len(invoices) > 1:
            options = {i["id"]: f"{i['id']} ({i['status']}, {i['amount']})" for i in invoices}
            return Question(
                "invoice", f"Order {order_id} has several invoices. Which one?", options
            )
        return invoices[0]

    def _open_case(self, account: dict[str, Any]) -> Any:
        detail = self.records.account(account["id"]) or {}
        cases = detail.get("open_cases", [])
        if len(cases) == 1:
            return cases[0]
        if not cases:
            return None
        options = {c["id"]: f"{c['id']}: {c['subject']}" for c in cases}
        return Question("case", f"{account['name']} has several open cases. Which one?", options)

    def _contact(self, text: str, account: dict[str, Any]) -> Any:
        contacts = (self.records.account(account["id"]) or {}).get("contacts", [])
        named = name_candidates(text, contacts)
        if len(named) == 1:
            return named[0]
        if len(named) > 1:
            options = {c["id"]: f"{c['name']} ({c['title']})" for c in named}
            return Question("contact", "Which contact do you mean?", options)
        return None


def _first(found: list[str]) -> str | None:
    return found[0] if found else None


@dataclass
class _Problem:
    message: str
