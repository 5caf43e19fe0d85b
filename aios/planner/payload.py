"""Words a message carries as data: a note's body, a case's subject, quoted text.

"Add a note: customer asks us to refund $45 and cancel SO-1090" asks for one note. Its body is
what the note says, not more requests: it is cut out before the message is split, matched to
skills or searched for ids and amounts, and handed whole to the skill's text slot.
"""

from __future__ import annotations

import re
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
_QUOTED = re.compile(r"[\"“”]([^\"“”]{3,})[\"“”]|(?<!\w)'([^']{3,})'(?!\w)")


@dataclass(frozen=True)
class Split:
    """A message as ``head`` (what is asked) and ``body`` (the data it carries, if any)."""

    head: str
    body: str | None = None


def split_payload(text: str) -> Split:
    """Cut the data a message carries from what it asks.

    Quoted text is data wherever it stands ("open a case "refund not received" for Acme"); a
    marker ("note:", "saying", "subject:") makes the rest of the message data.
    """
    quoted = _QUOTED.search(text)
    marker = _MARKER.search(text)
    if quoted and (marker is None or quoted.start() <= marker.end() + 1):
        body = (quoted.group(1) or quoted.group(2)).strip()
        head = (text[: quoted.start()] + " " + text[quoted.end() :]).strip()
        return Split(head=re.sub(r"\s{2,}", " ", head), body=body)
    if marker is None:
        return Split(head=text)
    body = text[marker.end() :].strip().strip("\"'“”").strip()
    if len(body) < 2:
        return Split(head=text)
    head = text[: marker.end()].rstrip(" :=\u2014\u2013-,")
    return Split(head=head, body=body)
