"""Filling a skill's slots from what was said, what was said before, and the live systems."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from rapidfuzz import fuzz, process

from aios.planner.choices import choose, pick, position
from aios.planner.entities import Entities, extract, mask_ids
from aios.planner.matching import customer_name, for_matching, strange_name
from aios.planner.periods import find_period
from aios.planner.products import named_product
from aios.planner.protocol import Memory
from aios.planner.records import Records, name_candidates
from aios.planner.skills import Skill, Slot
from aios.planner.templates import render
from connectors.record_kinds import RECORD_KINDS as REGISTERED_KINDS

# Words by which a message points back at something said before.
_BACK_REFERENCE = re.compile(
    r"\b(it|its|them|their|they|that|this|those|same|previous|last|him|her|his)\b", re.I
)
RECORD_KINDS = Records.KINDS
# "their last order", "the latest bill", "what did they order last": the account's newest, of
# each kind the systems list newest first.
_LATEST = {
    kind.name: re.compile(
        rf"\b(?:last|latest|most recent|newest|recent)\s+(?:{'|'.join(kind.words)})\b"
        rf"|\b{kind.noun}(?:e?d)?\s+(?:last|most recently)\b(?!\s+(?:week|month|year|time))",
        re.I,
    )
    for kind in REGISTERED_KINDS
    if kind.listed_by
}


def newest_named(text: str) -> set[str]:
    """The kinds of record ``text`` names as the customer's newest ("their last order")."""
    return {kind for kind, pattern in _LATEST.items() if pattern.search(text)}


# What people call each kind of record, as the systems declare it: "ticket" is a case.
_KIND_WORDS = {
    kind.name: r"\b(?:" + "|".join(re.escape(w) for w in kind.words) + r")s?\b"
    for kind in REGISTERED_KINDS
}
# "their balance", "what do they owe": the customer talked about.
THEIR = re.compile(r"\b(?:their|theirs|them|they)\b", re.I)
# "cancel it", "that one": the record talked about, not the customer ("their" is the customer).
THAT_RECORD = re.compile(
    r"\b(?:it|(?:this|that|the same)\s+(?:one|"
    + "|".join(w for kind in REGISTERED_KINDS if kind.name in Records.OWNED for w in kind.words)
    + r"))\b|\b(?:this|that)\s*(?:[,.!?]|$)",
    re.I,
)


# The words of a bare command: what to do and to whom, but not about what.
_COMMAND_WORDS = set(
    re.findall(
        r"\w+",
        "open create raise log file start make new add put please pls plz can could would you "
        "for the customer support one them their they this that with just quick hey need want "
        "order invoice contact account company client",
    )
)


def chosen(slot: Slot, text: str, rivals: Sequence[Slot]) -> str | None:
    """The value of choice ``slot`` that ``text`` says: its first value one of whose phrases
    is there, unless that phrase is part of a longer one of another of ``rivals`` ("haven't
    shipped" says not shipped, not shipped)."""
    lowered = text.lower()

    def spans(of: Slot) -> list[tuple[str, int, int]]:
        return [
            (value, m.start(), m.end())
            for value, words in of.choices.items()
            for word in words
            for m in re.finditer(_phrase(word), lowered)
            if not _NEGATED.search(lowered[: m.start()])  # "that aren't closed"
        ]

    longer = [(a, b) for other in rivals if other.name != slot.name for _, a, b in spans(other)]
    for value, start, end in sorted(spans(slot), key=lambda s: list(slot.choices).index(s[0])):
        if not any(a <= start and end <= b and b - a > end - start for a, b in longer):
            return value
    return None


# Up to two words may stand inside a choice's phrase ("my open cases" says "my cases", "waiting
# on the customer"), but never a negation ("i don't own").
_NEGATION = r"(?:not|no|never|don'?t|doesn'?t|isn'?t|aren'?t|haven'?t|hasn'?t)\b"
_NEGATED = re.compile(rf"\b{_NEGATION}\s*(?:\w+\s+)?$")
_GAP = rf"(?:\s+(?!{_NEGATION})[\w'&-]+){{0,2}}?\s+"


def _phrase(words: str) -> str:
    return r"\b" + _GAP.join(re.escape(w) for w in words.lower().split()) + r"\b"


# Orders that have not shipped yet: they can still be cancelled or sent elsewhere.
_NOT_SHIPPED = {"pending", "confirmed"}


@dataclass
class Question:
    """A slot could not be filled: ask this, optionally offering these records."""

    slot: str
    text: str
    options: dict[str, str] = field(default_factory=dict)
    dates: dict[str, str] = field(default_factory=dict)
    """When each option was made or falls due, for "the older one"."""


@dataclass
class Filling:
    values: dict[str, Any]
    question: Question | None = None
    problem: str | None = None
    defaulted: set[str] = field(default_factory=set)
    """Slots filled from their default template: derived, so derived again after a change."""


class SlotFiller:
    def __init__(self, records: Records, today: date | None = None) -> None:
        self.records = records
        self.today = today or datetime.now(UTC).date()
        self.strange: set[str] = set()
        """Words of the message nobody knows (``Normaliser.strange``): a name, if any."""

    def fill(
        self,
        skill: Skill,
        text: str,
        context: Entities,
        memory: Memory,
        given: dict[str, Any] | None = None,
        message: str | None = None,
        extra: dict[str, Any] | None = None,
    ) -> Filling:
        """Fill ``skill``'s slots from ``text`` (this request), ``context`` (the whole message),
        ``memory`` (earlier turns) and ``given`` (values already settled). ``message`` is the
        whole message ``text`` came from, for templates that quote it; ``extra`` are more
        values for the templates."""
        own = extract(text)
        values: dict[str, Any] = {"request": text, "message": message or text, **(extra or {})}
        # A request that names its own records is about them; one that names none ("and note
        # it") is about the records the rest of the message names.
        ids = dict(own.ids) if any(own.ids.values()) else dict(context.ids)
        refers_back = bool(_BACK_REFERENCE.search(text)) or not any(ids.values())
        memory = self._unless_named_otherwise(text, ids, memory)
        defaulted: set[str] = set()
        # Values settled earlier are known first: an invoice given in an answer tells the
        # account even though the account slot comes before it.
        values.update({s.name: given[s.name] for s in skill.slots if given and s.name in given})
        # A customer named by name is settled first: "their last order" is then theirs.
        named = not any(ids.values()) and bool(name_candidates(text, self.records.accounts()))
        rivals = [s for s in skill.slots if s.type == "choice"]
        for slot in sorted(skill.slots, key=lambda s: not (named and s.type == "account")):
            if given and slot.name in given:
                continue
            found = self._one(
                slot, text, own, context, ids, memory, values, refers_back, rivals=rivals
            )
            if isinstance(found, Question):
                return Filling(values, question=found)
            if isinstance(found, _Problem):
                return Filling(values, problem=found.message)
            if found is None and slot.default is not None:
                found = render(slot.default, values, strict=False) or None
                defaulted.add(slot.name)
                if found and slot.ask and text.strip() in found and self._bare(skill, text):
                    # "open a case for kestrel": a default that repeats the request would say
                    # nothing of what it is about.
                    return Filling(values, question=Question(slot.name, slot.ask))
            if found is None and slot.required:
                return Filling(values, question=Question(slot.name, slot.ask or slot.name))
            values[slot.name] = found
        return Filling(values, defaulted=defaulted)

    def _unless_named_otherwise(
        self, text: str, ids: dict[str, list[str]], memory: Memory
    ) -> Memory:
        """``memory``, unless the text names another customer than the one talked about: a
        named customer always beats a remembered one, and so do its records."""
        remembered = memory.refs.get("account")
        if remembered is None or any(ids.values()):
            return memory
        named = {c["id"] for c in name_candidates(text, self.records.accounts())}
        if not named or remembered in named:
            return memory
        return Memory(pending=memory.pending)

    def _bare(self, skill: Skill, text: str) -> bool:
        """Whether ``text`` says nothing but what to do and to whom ("open a case for kestrel
        health systems"): no word left once the skill's own words, names and ids are gone."""
        own = {w.lower() for w in skill.requires}
        own |= {w.lower() for s in skill.slots for ws in s.choices.values() for w in ws}
        words = re.findall(r"[a-z]{3,}", mask_ids(self.masked(text)).lower())
        return not [w for w in words if w not in _COMMAND_WORDS and w not in own]

    def masked(self, text: str) -> str:
        """``text`` as the skill matcher should see it (see ``for_matching``)."""
        return for_matching(
            text, self.records.accounts(), lambda: self.records.contacts_named(text)
        )

    def fetch(self, kind: str, record_id: str) -> dict[str, Any] | None:
        found = self._fetch(kind, record_id)
        return found if isinstance(found, dict) else None

    def value_from_answer(self, slot: Slot, text: str, memory: Memory) -> Any:
        """The value a reply to "which/how much …?" gives for ``slot``, or None."""
        said = extract(text, bare_numbers_are_money=slot.type == "money")
        if slot.type in RECORD_KINDS:
            if said.ids.get(slot.type):
                return self.fetch(slot.type, said.ids[slot.type][0])
            if slot.type == "invoice" and said.ids.get("order"):
                order = said.ids["order"][0]
                account_id = self.records.account_id_of("order", order)
                found = self._invoice_of_order(order, account_id) if account_id else None
                return found if isinstance(found, dict) else None
            if slot.type == "contact":
                named = self.records.contacts_named(text)
                return named[0] if len(named) == 1 else None
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
        if slot.type == "account":
            # "no, the other one" / "no, I meant blue harbor marine": another customer named.
            before = previous.get("id") if isinstance(previous, dict) else None
            named = name_candidates(text, self.records.accounts())
            others = [c for c in named if c["id"] != before]
            if len(others) == 1 and (len(named) == 1 or re.search(r"\bother\b", text, re.I)):
                return others[0]
            return None
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
        *,
        rivals: Sequence[Slot] = (),
    ) -> Any:
        """The value of ``slot``; ``rivals`` are the skill's choice slots, whose phrases
        compete with a choice slot's own."""
        if slot.type in RECORD_KINDS:
            return self._record(slot, text, ids, memory, values, refers_back)
        if slot.type == "money":
            if own.unclear:
                return _Problem(
                    f'I can\'t tell which amount "{own.unclear[0]}" means. Write it with a point '
                    "for cents and no comma, e.g. 2500 or 2.5k or 500.01."
                )
            amounts = own.amounts or context.amounts
            if not amounts:
                # "set their credit limit to 9000": a lone number where an amount is wanted is
                # one; with two or more, which is meant is a guess, so the question is asked.
                bare = extract(text, bare_numbers_are_money=True).amounts
                amounts = bare if len(bare) == 1 else []
            return str(amounts[0]) if amounts else None
        if slot.type == "email":
            return _first(own.emails or context.emails)
        if slot.type == "phone":
            return _first(own.phones or context.phones)
        if slot.type == "address":
            return _first(own.addresses or context.addresses)
        if slot.type == "choice":
            return chosen(slot, text, rivals)
        if slot.type == "name":
            return self._name_part(text)
        if slot.type == "product":
            return named_product(text, self.records.products())
        if slot.type == "period":
            period = find_period(text, self.today)
            return period.model_dump(mode="json") if period else None
        if slot.type == "text":
            return _first(own.quoted) or _after(slot.after, text)
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
            return self._account(text, ids, memory, refers_back, values)
        account = values.get("account")
        if slot.resolve == "invoice_of_order" and values.get("order") and account:
            return self._invoice_of_order(values["order"]["id"], account["id"])
        # A record pointed at ("cancel it", "the 2nd one") beats one worked out from the
        # customer: the person has already said which.
        if THAT_RECORD.search(text) and kind in memory.refs:
            return self._fetch(kind, memory.refs[kind])
        listed = memory.shown.get(kind, [])
        if (index := position(text, len(listed))) is not None:
            return self._fetch(kind, listed[index])
        # An optional record is worked out from the customer only when it is spoken of: "add
        # a note to their account" is the account's, "… to their open case" the case's.
        spoken = slot.required or bool(re.search(_KIND_WORDS[kind], text, re.I))
        resolved = self._resolved(slot, account) if spoken else None
        if isinstance(resolved, Question):
            # "cancel the pending one", "remind them about the older one": already said.
            chosen = pick(text, resolved.options, resolved.dates)
            return self._fetch(kind, chosen) if chosen else resolved
        if resolved is not None:
            return resolved
        if slot.resolve in ("primary_contact", "named_contact"):
            found = self._contact(text, account, primary=slot.resolve == "primary_contact")
            if found is not None:
                return found
        if kind in _LATEST and account and _LATEST[kind].search(text):
            latest = self.records.latest(kind, account["id"])
            if latest is not None:
                return latest
        if refers_back and kind in memory.refs:
            return self._fetch(kind, memory.refs[kind])
        return None

    def _resolved(self, slot: Slot, account: dict[str, Any] | None) -> Any:
        """The record the slot's ``resolve`` rule finds for the customer, or a question."""
        if account is None:
            return None
        if slot.resolve == "open_case_of_account":
            return self._open_case(account)
        if slot.resolve == "pending_order_of_account":
            return self._pending_order(account)
        if slot.resolve == "overdue_invoice_of_account":
            return self._overdue_invoice(account)
        return None

    def _fetch(self, kind: str, record_id: str) -> Any:
        record = self.records.one(kind, record_id)
        return record if record else _Problem(f"I couldn't find {kind} {record_id}.")

    def _account(
        self,
        text: str,
        ids: dict[str, list[str]],
        memory: Memory,
        refers_back: bool,
        values: dict[str, Any] | None = None,
    ) -> Any:
        # A record already settled (given in an answer or a correction) is whose it is.
        for kind in Records.OWNED:
            record = (values or {}).get(kind)
            if isinstance(record, dict) and record.get("account_id"):
                return self._fetch("account", str(record["account_id"]))
        for kind in Records.OWNED:
            if ids.get(kind):
                account_id = self.records.account_id_of(kind, ids[kind][0])
                if account_id is None:
                    return _Problem(f"I couldn't find {kind} {ids[kind][0]}.")
                return self._fetch("account", account_id)
        shown = memory.shown.get("account", [])
        if shown and (position(text, len(shown)) is not None or re.search(r"\bone\b", text)):
            # "the second one", "the marine one": a pick from the accounts just listed.
            names = {a["id"]: str(a["name"]) for a in self.records.accounts()}
            picked = choose(text, {i: names.get(i, i) for i in shown})
            if picked is not None:
                return self._fetch("account", picked)
        candidates = name_candidates(text, self.records.accounts())
        if len(candidates) == 1:
            return candidates[0]
        if len(candidates) > 1:
            options = {c["id"]: f"{c['name']} ({c['id']}, {c['region']})" for c in candidates}
            return Question("account", "Which customer do you mean?", options)
        unknown = self._unknown_customer(text)
        if unknown is not None:
            return unknown
        if refers_back and "account" in memory.refs:
            return self._fetch("account", memory.refs["account"])
        if THEIR.search(text) and not memory.refs and not memory.shown:
            # "what's their balance?" with nobody talked about yet: whose is asked, not guessed.
            return Question("account", "Which customer do you mean?")
        return None

    def _name_part(self, text: str) -> str | None:
        """The part of a customer name ``text`` searches for: what the customers it names
        share ("Blue Harbor" for both Blue Harbor companies), else the name as said."""
        found = name_candidates(text, self.records.accounts())
        if not found:
            return customer_name(text)
        names = [str(a["name"]).split() for a in found]
        shared = []
        for words in zip(*names, strict=False):
            if len({w.lower() for w in words}) > 1:
                break
            shared.append(words[0])
        return " ".join(shared) or str(found[0]["name"])

    def _unknown_customer(self, text: str) -> Question | None:
        """A customer named in ``text`` that the CRM does not have: say so, offering the
        closest names, rather than guess one or search every customer."""
        name = customer_name(text) or strange_name(text, self.strange)
        if name is None or self.records.contacts_named(text):
            return None
        accounts = self.records.accounts()
        close = process.extract(
            name, [str(a["name"]) for a in accounts], scorer=fuzz.WRatio, limit=3, score_cutoff=60
        )
        nearest = [accounts[index] for _, _, index in close]
        options = {str(a["id"]): f"{a['name']} ({a['id']}, {a['region']})" for a in nearest}
        return Question(
            "account", f'There is no customer named "{name}". Which customer do you mean?', options
        )

    def _invoice_of_order(self, order_id: str, account_id: str) -> Any:
        invoices = self.records.invoices_of_order(order_id, account_id)
        if not invoices:
            return _Problem(f"Order {order_id} has no invoice to work on.")
        if len(invoices) > 1:
            options = {i["id"]: f"{i['id']} ({i['status']}, {i['amount']})" for i in invoices}
            return Question(
                "invoice", f"Order {order_id} has several invoices. Which one?", options
            )
        return self.records.one("invoice", invoices[0]["id"])

    def _open_case(self, account: dict[str, Any]) -> Any:
        detail = self.records.account(account["id"]) or {}
        cases = detail.get("open_cases", [])
        if len(cases) == 1:
            return cases[0]
        if not cases:
            return None
        options = {c["id"]: f"{c['id']}: {c['subject']}" for c in cases}
        question = f"{account['name']} has several open cases. Which one?"
        return Question("case", question, options, {c["id"]: c["created_at"] for c in cases})

    def _contact(self, text: str, account: dict[str, Any] | None, *, primary: bool) -> Any:
        """The contact the text names (at the account, else anywhere), else (``primary``) the
        account's primary contact."""
        contacts = (
            (self.records.account(account["id"]) or {}).get("contacts", []) if account else []
        )
        named = name_candidates(text, contacts) or self.records.contacts_named(text)
        if len(named) == 1:
            return named[0]
        if len(named) > 1:
            options = {c["id"]: f"{c['name']} ({c['title']}, {c['account_id']})" for c in named}
            return Question("contact", "Which contact do you mean?", options)
        main = [c for c in contacts if c.get("is_primary")]
        return main[0] if primary and len(main) == 1 else None

    def _pending_order(self, account: dict[str, Any]) -> Any:
        orders = self.records.orders_of_account(account["id"], _NOT_SHIPPED)
        if len(orders) == 1:
            return orders[0]
        if not orders:
            return None
        options = {o["id"]: f"{o['id']} ({o['status']}, {o['total']})" for o in orders}
        question = f"{account['name']} has several orders that have not shipped. Which one?"
        return Question("order", question, options, {o["id"]: o["ordered_at"] for o in orders})

    def _overdue_invoice(self, account: dict[str, Any]) -> Any:
        invoices = self.records.overdue_invoices(account["id"])
        if len(invoices) == 1:
            return self.records.one("invoice", invoices[0]["id"])
        if not invoices:
            return _Problem(f"{account['name']} has no overdue invoice.")
        options = {
            i["id"]: f"{i['id']} ({i['balance']} due, {i['days_overdue']} days overdue)"
            for i in invoices
        }
        question = f"{account['name']} has several overdue invoices. Which one?"
        return Question("invoice", question, options, {i["id"]: i["due_on"] for i in invoices})


def _first(found: list[str]) -> str | None:
    return found[0] if found else None


def _after(words: list[str], text: str) -> str | None:
    """What follows the first of ``words`` in ``text``: "because it arrived late" -> "it …"."""
    for word in words:
        match = re.search(rf"\b{re.escape(word)}\b[:,]?\s*(.+)", text, re.I | re.S)
        if match and len(match.group(1).strip(" .\"'")) >= 3:
            return match.group(1).strip(" .\"'")
    return None


@dataclass
class _Problem:
    message: str
