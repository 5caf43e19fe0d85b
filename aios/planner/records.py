"""Read-only lookups the planner makes while it fills slots, through the connectors."""

from __future__ import annotations

import re
from typing import Any

from rapidfuzz import fuzz

from aios.planner.protocol import ReadTools
from connectors.errors import NotFound
from connectors.record_kinds import RECORD_KINDS, kind_named

# Words that do not tell one company from another.
_GENERIC = {"inc", "co", "corp", "llc", "ltd", "company", "group", "the", "and", "of", "&"}
_WORD = re.compile(r"[a-z0-9]+")


def _words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def _close(word: str, said: str) -> bool:
    """Whether ``said`` is ``word`` as typed, typos allowed; short words must match all but a
    last letter ("gold" is not "Old", "acne" is not "Acme")."""
    if len(word) <= 4 or len(said) <= 4:
        # "blu" for "blue" (a letter short at the end), never "old" for "gold".
        short, long = sorted((word, said), key=len)
        return word == said or (
            len(short) >= 3 and len(long) == len(short) + 1 and long.startswith(short)
        )
    return fuzz.ratio(word, said) >= 85


def _runs(words: list[str]) -> list[tuple[int, int, str]]:
    """Each run of two or more adjacent ``words`` typed as one: (start, end, the run)."""
    return [
        (start, end, "".join(words[start:end]))
        for start in range(len(words))
        for end in range(start + 2, len(words) + 1)
    ]


def name_candidates(
    text: str, records: list[dict[str, Any]], key: str = "name"
) -> list[dict[str, Any]]:
    """Records whose name the text mentions, best first; several when it is ambiguous.

    A name counts as mentioned when its first distinctive word appears (allowing typos);
    its score is the share of its distinctive words that appear. Only the best-scoring
    records are returned, so "Blue Harbor" gives both Blue Harbor companies and
    "Blue Harbor Marine" gives one.
    """
    said = [w for w in _words(text) if len(w) > 1]
    if not said:
        return []
    scored: list[tuple[float, dict[str, Any]]] = []
    for record in records:
        name = [w for w in _words(str(record[key])) if w not in _GENERIC]
        if not name:
            continue
        hits = [any(_close(word, s) for s in said) for word in name]
        for start, end, joined in _runs(name):
            # "northwindtraders", "blueharbor logistics": some or all of its words as one.
            if any(fuzz.ratio(joined, s) >= 85 for s in said):
                hits[start:end] = [True] * (end - start)
        if hits[0]:
            scored.append((sum(hits) / len(name), record))
    if not scored:
        return []
    best = max(score for score, _ in scored)
    return [record for score, record in scored if score == best]


def mask_names(text: str, records: list[dict[str, Any]], placeholder: str) -> str:
    """``text`` with the names of the records it mentions replaced by ``placeholder``:
    "refund Blue Harbor Logistics" -> "refund the customer", so that matching a request to a
    skill is not swayed by company names."""
    named = name_candidates(text, records)
    words = {w for r in named for w in _words(str(r["name"])) if w not in _GENERIC}
    words |= {
        joined
        for r in named
        for _, _, joined in _runs([w for w in _words(str(r["name"])) if w not in _GENERIC])
    }
    if not words:
        return text

    def is_name(token: str) -> bool:
        return any(_close(w, token.lower()) for w in words)

    tokens = re.split(r"([A-Za-z0-9]+)", text)
    out: list[str] = []
    for index, token in enumerate(tokens):
        if index % 2 == 1 and is_name(token):
            # Runs of name words ("Blue Harbor Logistics") become one placeholder.
            if len(out) >= 2 and out[-2] == placeholder and out[-1].strip() in ("", "&"):
                out.pop()
                continue
            out.append(placeholder)
        else:
            out.append(token)
    return "".join(out)


class Records:
    """The records a request can refer to, fetched on demand and remembered for the turn."""

    def __init__(self, tools: ReadTools) -> None:
        self.tools = tools
        self._cache: dict[tuple[str, str], dict[str, Any] | None] = {}

    def _get(self, tool: str, args: dict[str, Any]) -> dict[str, Any] | None:
        key = (tool, repr(sorted(args.items())))
        if key not in self._cache:
            try:
                self._cache[key] = self.tools.read(tool, args)
            except NotFound:
                self._cache[key] = None
        return self._cache[key]

    KINDS = tuple(kind.name for kind in RECORD_KINDS if kind.read_by)
    """The kinds of record the planner looks up by id (``one``): those the systems read by id."""
    OWNED = tuple(kind for kind in KINDS if kind != "account")
    """The kinds of record that belong to a customer's account."""

    def one(self, kind: str, record_id: str) -> dict[str, Any] | None:
        """The record of ``kind`` with that id, or None when there is none."""
        declared = kind_named(kind)
        if not declared.read_by:
            return None
        return declared.record_in(self._get(declared.read_by, {declared.id_field: record_id}))

    def account(self, account_id: str) -> dict[str, Any] | None:
        """The account in full: its record, contacts, open cases and latest notes."""
        return self._get("crm.get_account", {"account_id": account_id})

    def products(self) -> list[dict[str, Any]]:
        """The catalogue (its first 200 products, by name)."""
        found = self._get("erp.find_products", {"limit": 200})
        return list(found["products"]) if found else []

    def accounts(self) -> list[dict[str, Any]]:
        found = self._get("crm.find_accounts", {"limit": 200})
        return list(found["accounts"]) if found else []

    def invoices_of_order(self, order_id: str, account_id: str) -> list[dict[str, Any]]:
        found = self._get("erp.find_invoices", {"account_id": account_id, "limit": 200})
        invoices = found["invoices"] if found else []
        return [i for i in invoices if i["order_id"] == order_id and i["status"] != "void"]

    def orders_of_account(self, account_id: str, statuses: set[str]) -> list[dict[str, Any]]:
        found = self._get("erp.find_orders", {"account_id": account_id, "limit": 200})
        return [o for o in (found["orders"] if found else []) if o["status"] in statuses]

    def latest(self, kind: str, account_id: str) -> dict[str, Any] | None:
        """The account's most recent record of ``kind`` (an order by order date, an invoice
        by issue date), or None when it has none or the systems list none of that kind."""
        declared = kind_named(kind)
        if not declared.listed_by:
            return None
        found = self._get(declared.listed_by, {"account_id": account_id, "limit": 1})
        rows = found[declared.plural] if found else []
        return self.one(kind, rows[0]["id"]) if rows else None

    def overdue_invoices(self, account_id: str) -> list[dict[str, Any]]:
        args = {"account_id": account_id, "overdue": True, "limit": 50}
        found = self._get("erp.find_invoices", args)
        return list(found["invoices"]) if found else []

    def contacts_named(self, text: str) -> list[dict[str, Any]]:
        """Contacts anywhere whose name the text mentions (by a capitalised word of it; in a
        message typed all in lower case, by any longer word of it)."""
        pool: dict[str, dict[str, Any]] = {}
        words = set(re.findall(r"\b[A-Z][a-z]{2,}\b", text))
        if not words and text == text.lower():
            # Typed in lower case, a first name alone is too weak a sign ("weather" is close
            # to "Heather"): every word of the name must be there.
            found = self._get("crm.find_contacts", {"limit": 200})
            said = [w for w in _words(text) if len(w) > 1]
            return [
                c
                for c in name_candidates(text, list(found["contacts"]) if found else [])
                if all(any(_close(w, s) for s in said) for w in _words(str(c["name"])))
            ]
        for word in sorted(words):
            found = self._get("crm.find_contacts", {"name": word, "limit": 50})
            pool.update({c["id"]: c for c in (found["contacts"] if found else [])})
        return name_candidates(text, list(pool.values()))

    def account_id_of(self, kind: str, record_id: str) -> str | None:
        """The account an order, invoice, case or contact belongs to."""
        record = self.one(kind, record_id) if kind in self.OWNED else None
        return str(record["account_id"]) if record else None
