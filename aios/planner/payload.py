"""Words a message carries as data: a note's body, a case's subject, quoted text.

"Add a note: customer asks us to refund $45 and cancel SO-1090" asks for one note. Its body is
what the note says, not more requests: it is cut out before the message is split, matched to
skills or searched for ids and amounts, and handed whole to the skill's text slot.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

# Where the data starts: "note: …", "saying …", "that says …", "subject: …", "with the text …".
_MARKER = re.compile(
    r"(?:\b(?:note|notes|comment|memo|message|msg|subject|title|body|text|reason|details|log)"
    r"\s*[:=\u2014\u2013-]\s+"
    r"|\b(?:saying|that says|which says|stating|that reads|reading|with the (?:text|words?))"
    r"\s*[:,]?\s+"
    r"|\bnote (?:down )?that\s+"
    r"|\b(?:add|put|leave|write|log|jot)\s+(?:a\s+|the\s+)?(?:note|comment|memo)\s+"
    r"(?:on|to|for|in|against)\s+[^:]{1,60}?:\s+)",
    re.I,
)
# "note on acme industries: …", "put on their account - …": a colon or a dash after the words
# of a request that takes text (see ``split_payload``'s ``cues``).
_SEPARATOR = re.compile(r":\s+|\s+[-\u2014\u2013]+\s+|\s*[-=]+>\s*")
MAX_HEAD = 120
_PARAGRAPH = re.compile(r"\n[ \t]*\n\s*")
# Someone else's wishes and what was done before, reported as the reason or the record of a
# request: "escalate CS-1022, customer threatening to cancel SO-1033", "close CS-1007 -
# refunded $45 on INV-2038", "log on CS-1007 that the customer asked us to cancel SO-1090".
# What they report was not asked of aios.
_SOMEONE = r"(?:(?:the|our|their|this|that)\s+)?(?:customer|client|cust|buyer|they|he|she|we|it)"
_WISH = (
    r"(?:is\s+|are\s+|was\s+|were\s+|has\s+|have\s+)?(?:threaten\w*|want\w*|wish\w*|"
    r"plan\w*|going|intend\w*|asked|asking|asks|requested|requesting|told\s+us|tells\s+us|"
    r"would\s+like|'d\s+like)\s+(?:us\s+|me\s+)?to\b"
)
_DONE = (
    r"(?:(?:we|i|they|already|just|was|were|got)\s+)*(?:refunded|cancell?ed|credited|sent|"
    r"escalated|closed|shipped|issued|resolved|fixed|replaced|reminded|paid)\b"
)
_AFTER = r"(?:[,;]|\s[-\u2014\u2013]+)\s*"
_REPORTED = re.compile(
    rf"{_AFTER}(?={_SOMEONE}\s+{_WISH}|{_DONE})|\s(?:that|how)\s+(?={_SOMEONE}\s)", re.I
)
_QUOTED = re.compile(r"[\"“”]([^\"“”]{3,})[\"“”]|(?<!\w)'([^']{3,})'(?!\w)")


@dataclass(frozen=True)
class Split:
    """A message as ``head`` (what is asked) and ``body`` (the data it carries, if any)."""

    head: str
    body: str | None = None


def split_payload(text: str, cues: Sequence[str] = ()) -> Split:
    """Cut the data a message carries from what it asks.

    Quoted text is data wherever it stands ("open a case "refund not received" for Acme"); a
    marker ("note:", "saying", "subject:") makes the rest of the message data, and so does a
    colon or a dash after a request that names one of ``cues`` (the words of skills that take
    text: "note on acme: …", "put on their account - …").
    """
    quoted = _QUOTED.search(text)
    marker = _MARKER.search(text)
    start = 0  # where the request starts: a later paragraph's, under what it is about
    if marker is None and cues and (cued := _cued(text, cues)) is not None:
        start, marker = cued
    if marker is None:
        marker = _reported(text)
    # A quote on lines of its own above the request ("voicemail, transcribed: "…"" and then
    # "note on CS-1003: …") is what the request is about; the marker's words are the data.
    above = (
        marker is not None and quoted is not None and "\n" in text[quoted.end() : marker.start()]
    )
    if quoted and not above and (marker is None or quoted.start() <= marker.end() + 1):
        body = (quoted.group(1) or quoted.group(2)).strip()
        head = (text[: quoted.start()] + " " + text[quoted.end() :]).strip()
        return Split(head=re.sub(r"\s{2,}", " ", head), body=body)
    if marker is None:
        return Split(head=text)
    body = text[marker.end() :].strip().strip("\"'\u201c\u201d").strip()
    if len(body) < 2:
        return Split(head=text)
    head = text[start : marker.end()].rstrip(" :=\u2014\u2013-,")
    if above and quoted and quoted.start() >= start:
        # The quote is someone else's words: what the request is about, never what it asks.
        head = text[: quoted.start()] + " " + text[quoted.end() : marker.end()]
        head = re.sub(r"\s{2,}", " ", head).strip(" :=\u2014\u2013-,")
    return Split(head=head, body=body)


def _reported(text: str) -> re.Match[str] | None:
    """Where a request's report of others' wishes or past deeds starts, if it follows one."""
    found = _REPORTED.search(text)
    if found is None or len(text[: found.start()].split()) < 2:
        # On its own ("the customer wants to cancel SO-1090") it is what is asked.
        return None
    return found


def _cued(text: str, cues: Sequence[str]) -> tuple[int, re.Match[str]] | None:
    """Where a request that names a cue starts, and the separator after it: at the start of
    the message or of a paragraph of it (the operator's line under a pasted voicemail: "note
    on CS-1003: …"; what stands above it is what the request is about)."""
    words = "|".join(re.escape(cue) for cue in cues)
    for start in (0, *(m.end() for m in _PARAGRAPH.finditer(text))):
        end = text.find("\n", start)
        separator = _SEPARATOR.search(text, start, len(text) if end < 0 else end)
        if separator is None or separator.start() - start > MAX_HEAD:
            continue
        # A cue and its endings ("noted", "logging"), not a word it starts ("add" in "address").
        if re.search(
            rf"\b(?:{words})(?:[a-z]{{0,3}}|ging|ting)\b", text[start : separator.start()], re.I
        ):
            return start, separator
    return None
