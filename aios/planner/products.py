"""Products named in a message, by the words of their catalogue names.

People name a product by some of its words, in their own order and number: "a pallet jack",
"the manual pallet jack", "nitrile gloves". The catalogue's names carry sizes and pack counts
nobody types ("Pallet jack manual 5500 lb capacity"). A product is named when two words of
its name are said together; the phrase searched for is the longest run of its name's words that
were all said, so that the catalogue search (a part of the name) finds it.
"""

from __future__ import annotations

import re
from itertools import pairwise
from typing import Any

_WORD = re.compile(r"[a-z][a-z-]{2,}")
# Words of catalogue names that say how much, not what: never a product's name on their own.
_MEASURES = set(
    re.findall(
        r"\w+",
        "pack count pairs pair rolls roll sheets labels pads reams ream capacity gauge size "
        "and with for the per type class unit",
    )
)


def _base(word: str) -> str:
    """A word without its plural ending: "gloves" and "glove", "boxes" and "box" agree."""
    for ending in ("es", "s"):
        if word.endswith(ending) and len(word) - len(ending) >= 3:
            return word[: -len(ending)]
    return word


def named_product(text: str, products: list[dict[str, Any]]) -> str | None:
    """The part of a product's name ``text`` names, as the catalogue spells it, or None.

    A product is named by two words of its name said together ("hard hats", "the manual
    pallet jack"). One word is not enough: catalogue names are made of everyday words ("money
    back" is no office chair's mesh back, "a discount on boxes" a question of the rules).
    """
    # "safety products", "office stuff": a category's name is not a product's.
    categories = {_base(str(p.get("category", "")).lower()) for p in products}
    said = [_base(w) for w in _WORD.findall(text.lower())]
    pairs = set(pairwise(said))
    names = [
        (str(p["name"]).split(), [_base(w.lower().strip("(),")) for w in str(p["name"]).split()])
        for p in products
    ]
    best: tuple[int, int, str] | None = None
    for words, bases in names:
        hits = [b in said and b not in _MEASURES and b not in categories for b in bases]
        together = any(
            hits[i] and hits[i + 1] and (bases[i], bases[i + 1]) in pairs
            for i in range(len(bases) - 1)
        )
        if not together:
            continue
        # The longest run of the name's words that were all said: what is searched for.
        run, longest, end = 0, 0, 0
        for index, hit in enumerate(hits):
            run = run + 1 if hit else 0
            if run > longest:
                longest, end = run, index + 1
        found = (sum(hits), longest, " ".join(words[end - longest : end]))
        if best is None or found[:2] > best[:2]:
            best = found
    return best[2] if best else None
