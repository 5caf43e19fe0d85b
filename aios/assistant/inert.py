"""Text that reaches a person is inert: it can show anything, it can make nothing happen.

Replies quote data the assistant does not control (CRM notes, case subjects, documents, tool
results), and any of it may carry markup an attacker planted. Every channel renders Markdown,
some also HTML or Slack mentions, so the events themselves are neutralised, once, for all:
HTML tags are escaped, images (remote fetches) are dropped, links keep only http(s) and mailto
targets, and mass mentions cannot ping anyone.
"""

from __future__ import annotations

import re

_TAG = re.compile(r"<(?=[a-zA-Z!/?])")
_TARGET = r"\((?:[^()\n]|\([^()\n]*\))*\)"  # a link target, one level of parentheses inside
_IMAGE = re.compile(r"!\[([^\]\n]*)\]" + _TARGET)
_UNSAFE_LINK = re.compile(r"\[([^\]\n]*)\](?=\(\s*(?!https?://|mailto:))" + _TARGET, re.I)
_MASS_MENTION = re.compile(r"@(channel|here|everyone)\b", re.I)
_BARE_SCHEME = re.compile(r"\b(javascript|vbscript|data):", re.I)


def inert(text: str) -> str:
    """``text`` with everything that could run, fetch or notify on its own made harmless."""
    text = _TAG.sub("&lt;", text)
    text = _IMAGE.sub(lambda m: f"[image removed: {m.group(1)}]", text)
    # What is left of image syntax (cut short, or spread over lines) must not start one.
    text = text.replace("![", "!\u200b[")
    text = _UNSAFE_LINK.sub(lambda m: m.group(1), text)
    text = _BARE_SCHEME.sub(lambda m: f"{m.group(1)}\u200b:", text)
    # A zero-width joiner after the @ keeps the word readable and keeps it from notifying.
    return _MASS_MENTION.sub(lambda m: f"@\u2060{m.group(1)}", text)
