"""Text across the Slack boundary: Slack's markup in, escaped mrkdwn out, cut to Slack's limits.

Inbound, Slack encodes mentions, channels and links as ``<…>`` and escapes ``& < >``; the
assistant gets plain words (an email someone typed reaches the policy as an email, so its
data-class rules still see it). Outbound, everything shown is escaped before any mrkdwn of
ours is added, so no text can mention ``@channel``, a person, or link anywhere by itself.
"""

from __future__ import annotations

import html
import re

from aios.knowledge.tables import SEPARATOR, cells, is_row

SECTION_LIMIT = 3000
"""Characters of a section block's text."""
BLOCK_LIMIT = 50
"""Blocks of one message."""

_MARKUP = re.compile(r"<([^<>|]*)(?:\|([^<>]*))?>")
_BOLD = re.compile(r"\*\*(.+?)\*\*")
_LINK = re.compile(r"\[([^\]\n]+)\]\((https?://[^\s()]+)\)")


def plain(text: str, bot_user: str | None = None) -> str:
    """What a person typed in Slack, as they read it, without the mention of the bot."""
    if bot_user:
        text = text.replace(f"<@{bot_user}>", " ")

    def word(match: re.Match[str]) -> str:
        target, label = match.group(1), match.group(2)
        if target.startswith(("@", "#")):
            return f"{target[0]}{label}" if label else target
        if target.startswith("!"):  # <!here>, <!subteam^S1|@ops>
            return "@" + (label or target[1:].split("^")[0]).lstrip("@")
        return label or target

    text = _MARKUP.sub(word, text)
    return html.unescape(text).strip()


def escaped(text: str) -> str:
    """``text`` shown literally in Slack: ``& < >`` escaped, as Slack requires.

    Event texts are already inert (``aios.assistant.inert``), which writes a tag's ``<`` as
    ``&lt;``; that is undone first so the reader sees the character, not the entity."""
    text = html.unescape(text)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def mrkdwn(text: str) -> str:
    """An event's Markdown as Slack mrkdwn, escaped; only http(s) links stay links; tables,
    which mrkdwn lacks, as aligned monospace blocks."""
    text = _BOLD.sub(r"*\1*", escaped(aligned_tables(text)))
    return _LINK.sub(r"<\2|\1>", text)


def aligned_tables(text: str) -> str:
    """``text`` with each Markdown table as a code block of aligned columns."""
    lines = text.split("\n")
    out: list[str] = []
    index = 0
    while index < len(lines):
        if is_row(lines[index]) and index + 1 < len(lines) and SEPARATOR.match(lines[index + 1]):
            rows = [cells(lines[index].replace("**", ""))]
            index += 2
            while index < len(lines) and is_row(lines[index]):
                rows.append(cells(lines[index].replace("**", "")))
                index += 1
            widths = [
                max(len(r[i]) if i < len(r) else 0 for r in rows) for i in range(len(rows[0]))
            ]
            body = [
                "  ".join(c.ljust(w) for c, w in zip(r, widths, strict=False)).rstrip()
                for r in rows
            ]
            rule = "  ".join("-" * w for w in widths)
            out.append("```\n" + "\n".join([body[0], rule, *body[1:]]) + "\n```")
            continue
        out.append(lines[index])
        index += 1
    return "\n".join(out)


def chunks(text: str, limit: int = SECTION_LIMIT) -> list[str]:
    """``text`` in pieces of at most ``limit`` characters, cut between paragraphs, else
    lines, else words, never inside an ``&…;`` escape."""
    pieces: list[str] = []
    while len(text) > limit:
        head = text[:limit]
        # The first kind of break found in the second half wins: no piece ends up tiny.
        breaks = (head.rfind(sep) for sep in ("\n\n", "\n", " "))
        cut = next((at for at in breaks if at > limit // 2), 0)
        if cut <= 0:
            cut = limit
            entity = head.rfind("&")
            if entity > 0 and ";" not in head[entity:]:
                cut = entity
        pieces.append(text[:cut].rstrip())
        text = text[cut:].lstrip()
    if text or not pieces:
        pieces.append(text)
    return pieces


def clipped(text: str, limit: int) -> str:
    """``text`` shortened to ``limit`` characters with an ellipsis, for labels and snippets."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
