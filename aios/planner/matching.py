"""The text a request is matched to skills with: names, ids and reasons taken out.

"Refund Blue Harbor Logistics $20 on SO-1042 because it broke" and "refund Acme $5 on
INV-2001" ask for the same thing; the embedding should see that, not the names and digits.
"""

from __future__ import annotations

import re
from typing import Any

from aios.planner.records import mask_names

# A capitalised name after "of", "for", "about"…: most likely a customer's.
_MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
_PROPER_NAME = re.compile(
    rf"\b(of|for|about|with|at|from)\s+(?!(?:{_MONTHS})\b)[A-Z][a-z][\w&.-]*(?:\s+[A-Z][a-z][\w&.-]*)*"
)
_REASON = re.compile(r"\s*(?:\bbecause\b|\bdue to\b|,\s*since\b)", re.I)


def for_matching(text: str, accounts: list[dict[str, Any]]) -> str:
    """``text`` with customer names, known or not, replaced by "the customer" ("overview of
    Globex Corp" means the same as "overview of Acme"), and any stated reason cut off."""
    known = mask_names(text, accounts, "the customer")
    # Why something is asked ("… because they paid") does not say what is asked.
    head = _REASON.split(known, maxsplit=1)[0]
    return _PROPER_NAME.sub(lambda m: f"{m.group(1)} the customer", head)
