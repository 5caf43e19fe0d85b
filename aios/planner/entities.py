"""What a message mentions: record ids, amounts, emails, phones, addresses, dates.

Pure functions over text, no system access: names of accounts and contacts are matched
against the live systems later, in ``resolve``.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation
from itertools import pairwise

from price_parser import Price
from pydantic import BaseModel, Field

from connectors.record_kinds import RECORD_KINDS

# The id shapes are the systems' own declaration (``connectors.record_kinds``).
ID_PREFIXES = {kind.prefix: kind.name for kind in RECORD_KINDS}
# "SO-1042", "so 1042", "SO1042"; and "order 1042", "invoice #2001", "case 1007".
_ID = re.compile(rf"\b({'|'.join(ID_PREFIXES)})[-\s]?(\d{{3,7}})\b", re.IGNORECASE)
# "order 1042", "ticket 1022", "bill 2038": any word a kind is called by, and its number.
_WORD_PREFIX = {
    word: kind.prefix for kind in RECORD_KINDS if kind.named_by_noun for word in kind.words
}
_WORD_ID = re.compile(
    rf"\b({'|'.join(_WORD_PREFIX)})\s+(?:no\.?\s*|number\s+|#\s*)?(\d{{4,7}})\b", re.I
)

_MONEY = re.compile(
    r"(?:[$€£]\s?\d[\d,]*(?:\.\d{1,2})?k?\b)"
    r"|(?:\b\d[\d,]*(?:\.\d{1,2})?\s?(?:dollars|usd|bucks)\b)"
    r"|(?:\busd\s?\d[\d,]*(?:\.\d{1,2})?)"
    r"|(?:\b\d[\d,]*(?:\.\d{1,2})?k\b)",
    re.IGNORECASE,
)
# A comma before one or two last digits is a decimal comma or a typo; a third decimal is a typo.
_UNCLEAR = re.compile(r"(?:[$€£]\s?|usd\s?)?\d+(?:,\d{3})*(?:,\d{1,2}(?!\d)|\.\d{3,})k?", re.I)
_BARE_NUMBER = re.compile(
    # "two years", "3 pallets", "10%": a count or a share, never an amount of money.
    r"(?<![\w.-])\d[\d,]*(?:\.\d{1,2})?(?![\w-])(?!\s*(?:%|x\b|percent|per\s?cent|(?:year|yr|"
    r"month|week|day|hour|hr|minute|min|time|pallet|box|boxe|carton|unit|item|piece|pc|case|"
    r"order|invoice|ticket)s?\b))"
)
_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")
_PHONE = re.compile(r"(?<!\w)\+?\(?\d[\d\s().-]{6,18}\d(?!\w)")
_STREET = (
    r"(?:Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Dr|Way|Court|Ct|Place|Pl"
    r"|Quay|Parkway|Pkwy|Highway|Hwy|Terrace|Square|Sq|Plaza|Wharf|Row)"
)
# "Pier 9, 2200 Harbor Blvd", "Unit 4B, 12 Dock Lane": the part of a site before its street.
_SITE = (
    r"(?:\b(?:pier|unit|suite|ste|dock|building|bldg|floor|apt|apartment|warehouse|gate|bay|"
    r"berth|hangar)\s*#?\s*(?:\d\w{0,4}|[a-z]\d{0,3})\b,?\s+)?"
)
_ADDRESS = re.compile(
    rf"{_SITE}\b\d{{1,6}}\s+(?:[A-Za-z][\w.'-]*\s+){{0,4}}{_STREET}\b\.?(?:,\s*[\w .'-]+)*",
    re.IGNORECASE,
)
_FILLER = re.compile(r"(\s+(instead|please|thanks|thank you|asap|today))+\s*$", re.IGNORECASE)
_QUOTED = re.compile(r"[\"“']([^\"”']{3,})[\"”']")


class Entities(BaseModel):
    ids: dict[str, list[str]] = Field(default_factory=dict, description="kind -> ids, in order.")
    amounts: list[Decimal] = Field(default_factory=list)
    emails: list[str] = Field(default_factory=list)
    phones: list[str] = Field(default_factory=list)
    addresses: list[str] = Field(default_factory=list)
    dates: list[date] = Field(default_factory=list)
    quoted: list[str] = Field(default_factory=list)
    unclear: list[str] = Field(
        default_factory=list,
        description='Amounts that read two ways ("2,5k", "$500,01", "$500.009"): asked about.',
    )

    def first(self, kind: str) -> str | None:
        found = self.ids.get(kind)
        return found[0] if found else None


_KIND_WORD = {kind.name: kind.noun for kind in RECORD_KINDS}


def mask_ids(text: str) -> str:
    """``text`` with record ids replaced by what they are ("refund INV-2038" -> "refund
    invoice"), so that matching a request to a skill is not swayed by the digits."""
    text = _WORD_ID.sub(lambda m: m.group(1), text)

    def word(match: re.Match[str]) -> str:
        kind = _KIND_WORD[ID_PREFIXES[match.group(1).upper()]]
        before = text[: match.start()].rstrip().lower()
        return "" if before.endswith(kind) else kind

    return re.sub(r"\s{2,}", " ", _ID.sub(word, text)).strip()


def listed(results: object) -> dict[str, list[str]]:
    """The records each list in ``results`` shows, by kind, in order: what "the 2nd one" and
    "the last one" can point at in the next message."""
    found: dict[str, list[str]] = {}

    def walk(value: object) -> None:
        if isinstance(value, dict):
            for inner in value.values():
                walk(inner)
        elif isinstance(value, list) and value:
            ids = [str(v["id"]) for v in value if isinstance(v, dict) and "id" in v]
            kinds = {ID_PREFIXES.get(i.split("-")[0]) for i in ids}
            if ids and len(kinds) == 1 and (kind := kinds.pop()) is not None:
                found[kind] = ids

    walk(results)
    # "status of SO-1061 and SO-1027": one record per request, together a list of two.
    singles: dict[str, list[str]] = {}
    parts = results.values() if isinstance(results, dict) else []
    for part in parts:
        for result in part.values() if isinstance(part, dict) else []:
            record_id = str(result.get("id", "")) if isinstance(result, dict) else ""
            kind = ID_PREFIXES.get(record_id.split("-")[0])
            if kind is not None and record_id not in singles.get(kind, []):
                singles.setdefault(kind, []).append(record_id)
    for kind, ids in singles.items():
        if len(ids) > 1 and kind not in found:
            found[kind] = ids
    return found


def _parse_money(raw: str) -> Decimal | None:
    text = raw.lower().replace("bucks", "").replace("dollars", "").replace("usd", "").strip()
    multiplier = Decimal(1000) if text.endswith("k") else Decimal(1)
    price = Price.fromstring(text.rstrip("k"), decimal_separator=".")
    if price.amount is None:
        return None
    try:
        return (price.amount * multiplier).quantize(Decimal("0.01"))
    except InvalidOperation:
        return None


_JOINED = re.compile(r"(?:\s*,\s*(?:and\s+|&\s*)?|\s+(?:and|&|plus)\s+)(?:also\s+)?", re.I)


def listed_records(text: str) -> list[str]:
    """ "show me CS-1019 and invoice INV-2094": the ask once for each record it lists, when
    they are of more than one kind (else ``[]``: records of one kind are one request's)."""
    found = sorted(
        (m.start(), m.end(), ID_PREFIXES[_WORD_PREFIX.get(m.group(1).lower(), m.group(1)).upper()])
        for pattern in (_ID, _WORD_ID)
        for m in pattern.finditer(text)
    )
    spans = [span for n, span in enumerate(found) if n == 0 or span[0] >= found[n - 1][1]]
    if len({kind for *_, kind in spans}) < 2:
        return []
    lead, clauses, start = text[: spans[0][0]], [], 0
    for (_, end, _), (begin, _, _) in pairwise(spans):
        joints = list(_JOINED.finditer(text, end, begin))
        if not joints:
            return []  # "INV-2038 of SO-1042": one thing, said two ways
        clauses.append(text[start : joints[-1].start()])
        start = joints[-1].end()
    clauses.append(text[start:])
    return [clauses[0], *(lead + clause for clause in clauses[1:])]


def extract(text: str, *, bare_numbers_are_money: bool = False) -> Entities:
    """Find entities in ``text``. ``bare_numbers_are_money`` when only an amount was asked for."""
    found = Entities()
    spans: list[tuple[int, int]] = []
    for match in _ID.finditer(text):
        kind = ID_PREFIXES[match.group(1).upper()]
        found.ids.setdefault(kind, []).append(f"{match.group(1).upper()}-{match.group(2)}")
        spans.append(match.span())
    for match in _WORD_ID.finditer(text):
        word = match.group(1).lower()
        ident = f"{_WORD_PREFIX[word]}-{match.group(2)}"
        kind = ID_PREFIXES[_WORD_PREFIX[word]]
        if ident not in found.ids.get(kind, []):
            found.ids.setdefault(kind, []).append(ident)
        spans.append(match.span())
    found.emails = _EMAIL.findall(text)
    for match in _MONEY.finditer(text):
        if (unclear := _UNCLEAR.match(text, match.start())) is not None:
            found.unclear.append(unclear.group(0))
            spans.append(unclear.span())
            continue
        amount = _parse_money(match.group(0))
        if amount is not None:
            found.amounts.append(amount)
            spans.append(match.span())
    if bare_numbers_are_money and not found.amounts:
        for match in _BARE_NUMBER.finditer(text):
            if not any(a <= match.start() < b for a, b in spans):
                amount = _parse_money(match.group(0))
                if amount is not None:
                    found.amounts.append(amount)
    masked = "".join(" " if any(a <= i < b for a, b in spans) else c for i, c in enumerate(text))
    found.addresses = [_FILLER.sub("", m.group(0)).strip(" .") for m in _ADDRESS.finditer(masked)]
    for match in _PHONE.finditer(text):
        digits = re.sub(r"\D", "", match.group(0))
        overlaps = any(a <= match.start() < b for a, b in spans)
        if (
            7 <= len(digits) <= 15
            and not overlaps
            and match.group(0) not in " ".join(found.addresses)
        ):
            found.phones.append(match.group(0).strip())
    found.quoted = _QUOTED.findall(text)
    return found
