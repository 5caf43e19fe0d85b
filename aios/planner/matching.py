"""The text a request is matched to skills with: names, ids and reasons taken out.

"Refund Blue Harbor Logistics $20 on SO-1042 because it broke" and "refund Acme $5 on
INV-2001" ask for the same thing; the embedding should see that, not the names and digits.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

from aios.planner.records import mask_names

# A capitalised name after "of", "for", "about"…: most likely a customer's.
_MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
_PROPER_NAME = re.compile(
    rf"\b(of|for|about|with|at|from)\s+(?!(?:{_MONTHS})\b)[A-Z][a-z][\w&.-]*(?:\s+[A-Z][a-z][\w&.-]*)*"
)
_WEEKDAYS = "Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|Today|Tomorrow|Yesterday"
_SUFFIX = (
    r"(?:inc|corp|corporation|co|company|ltd|llc|gmbh|group|logistics|industries|industrial"
    r"|traders|trading|foods|freight|systems|supply|supplies|partners|holdings|labs|solutions"
    r"|dynamics|technologies|tech|enterprises|international|manufacturing|services|consulting"
    r"|builders|packaging|electric|motors|media|networks|health|pharma|retail|farms|bakery)"
)
_COMPANY_WORD = re.compile(
    rf"{_SUFFIX}|shipping|transport|marine|distribution|wholesale|medical|contracting", re.I
)
_NOT_NAMES = rf"(?!(?:{_MONTHS}|{_WEEKDAYS}|I|The|This|That|Their|Our)\b)"
# How a customer is named: "for Zenith Corp", "Zenith's invoices", "zenith logistics".
_NAMED = (
    re.compile(
        rf"\b(?:for|of|about|with|at|from|to|on)\s+({_NOT_NAMES}[A-Z][\w&.-]*(?:\s+[A-Z][\w&.-]*)*)"
    ),
    re.compile(rf"\b({_NOT_NAMES}[A-Z][\w&-]+(?:\s+[A-Z][\w&-]+)*)['\u2019]s\b"),
    re.compile(rf"\b([A-Za-z][\w&-]+\s+{_SUFFIX})\b", re.I),
)
_ARTICLES = {"the", "a", "an", "our", "their", "this", "that", "his", "her", "its", "my", "your"}
_REASON = re.compile(r"\s*(?:\bbecause\b|\bdue to\b|,\s*since\b|\s(?:bc|b/c|cos|coz|cuz)\s)", re.I)


def customer_name(text: str) -> str | None:
    """The customer name ``text`` gives ("for Zenith Corp", "Zenith's", "zenith logistics"),
    known or not; None when it names none."""
    for pattern in _NAMED:
        for found in pattern.finditer(text):
            name = found.group(1).strip(" .,")
            if not re.search(r"\d", name) and name.split()[0].lower() not in _ARTICLES:
                return name
    return None


def strange_name(text: str, strange: set[str]) -> str | None:
    """The name ``text`` gives in words nobody knows (``strange``: neither English nor the
    domain's, see ``Normaliser.strange``), with a company word after them: "initech",
    "bluewater shipping"; None when it has none."""
    words = re.findall(r"[\w&-]+", text)
    for start, word in enumerate(words):
        if word.lower() not in strange:
            continue
        end = start + 1
        while end < len(words) and words[end].lower() in strange:
            end += 1
        if end < len(words) and _COMPANY_WORD.fullmatch(words[end]):
            end += 1
        return " ".join(words[start:end])
    return None


def for_matching(
    text: str,
    accounts: list[dict[str, Any]],
    people: Callable[[], Sequence[dict[str, Any]]] = lambda: (),
) -> str:
    """``text`` with customer names, known or not, replaced by "the customer" ("overview of
    Globex Corp" means the same as "overview of Acme"), and any stated reason cut off. A name
    that is no customer's may be a person's: ``people`` gives the contacts the text names
    (asked only then, as it costs a lookup), whose names become "the contact"."""
    known = mask_names(text, accounts, "the customer")
    unknown = customer_name(known)
    if unknown is not None and unknown != "the customer" and (contacts := list(people())):
        # "what's Maya Fischer's phone?" asks about a contact, not an unknown customer.
        known = mask_names(known, contacts, "the contact")
        unknown = customer_name(known)
    # A name the CRM does not know reads as a name all the same ("pull up zephyr dynamics").
    if unknown is not None and unknown != "the customer":
        known = known.replace(unknown, "the customer")
    # Why something is asked ("… because they paid") does not say what is asked.
    head = _REASON.split(known, maxsplit=1)[0]
    return _PROPER_NAME.sub(lambda m: f"{m.group(1)} the customer", head)
