"""Operators' shorthand and slang, said the way the skills are worded.

"nuke SO-1172", "give northwind a poke re INV-2108", "open tix for acme": words no skill
example uses, but every operator does. Each is rewritten to its plain verb or noun before the
message is matched, so the skills need no example per slang word. Only the request is
rewritten: a note's body or a quoted subject was cut out before (``payload``).
"""

from __future__ import annotations

import re

_REWRITES: list[tuple[re.Pattern[str], str]] = [
    (re.compile(p, re.I), r)
    for p, r in [
        # Calling an order off.
        (r"\bpull the plug on\b", "cancel"),
        (r"\b(?:nuke|axe|zap|kill|bin)\b(?=\s+(?:the\s+|their\s+|this\s+|that\s+)?(?:order|so\b|so-))",
         "cancel"),
        (r"\b(?:nuke|axe|zap)\b", "cancel"),
        # Bringing a record up on screen.
        (r"\b(?:pull|bring|call)\s+up\b(?!\s+(?:the|a)\s+(?:chain|level|notch))", "show"),
        # A payment reminder.
        (r"\bgive\s+(.{1,40}?)\s+an?\s+(?:poke|nudge|prod|shout|reminder)\b", r"remind \1"),
        (r"\b(?:ping|poke|prod|hassle|bug)\b(?=\s+\S+.*\b(?:inv|invoice|pay|paid|owe|overdue|late))",
         "nudge"),
        # What a customer buys is an order ("their purchases", "what did they purchase").
        (r"\bpurchase(s|d)?\b(?!\s+orders?\b)", r"order\1"),
        # Shorthand verbs.
        (r"\bcxl\b|\bcncl\b|\bcanx\b", "cancel"),
        (r"\besc\b(?=\s+(?:cs|case|ticket|it|this|that)\b)", "escalate"),
        (r"\bdbl\b", "double"),
        # Shorthand nouns.
        (r"\btix\b|\btkts?\b", "tickets"),
        (r"\baccts?\b", "account"),
        (r"\bcust\b", "customer"),
        (r"\bamt\b", "amount"),
        (r"\binv\b(?!\s*-?\d)", "invoice"),
        (r"\bre\b(?=\s+(?:inv|so|cs|acc)[\s-]*\d)", "about"),
        (r"\bw/\s*", "with "),
    ]
]  # fmt: skip


def plain(text: str) -> str:
    """``text`` with operators' slang and shorthand in plain words."""
    for pattern, replacement in _REWRITES:
        text = pattern.sub(replacement, text)
    return text
