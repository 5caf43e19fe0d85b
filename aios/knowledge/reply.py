"""An answer as the Markdown a person reads: the answer first, in bold, with where it stands;
what changed, if the rule has another version; then the supporting quotes, each once.

Tables stay tables: a table row is shown with its header as a Markdown table of its own
(never inside a block quote, where renderers squash it onto one line), followed by a blank
line so that no renderer takes the next line for another row.
"""

from __future__ import annotations

from aios.knowledge.models import Answer, Citation, Quote


def answer_markdown(answer: Answer) -> str:
    """``answer`` as Markdown; for an answer with nothing found, its message."""
    if not answer.found:
        return answer.message
    blocks: list[str] = []
    if answer.direct is None:
        blocks.append(answer.message)
    else:
        blocks.append(_lead(answer.direct))
    if answer.change:
        blocks.append(answer.change)
    blocks += [_supporting(quote) for quote in answer.supporting]
    return "\n\n".join(blocks)


def where(citation: Citation) -> str:
    """Where a quote stands, as people name it: the document's title and its heading."""
    return f"{citation.title} \u203a {citation.heading}" if citation.heading else citation.title


def _lead(quote: Quote) -> str:
    source = f"{where(quote.citation)} (`{quote.citation.source}`)"
    if quote.table:
        return f"{_bold_row(quote.text)}\n\n— {source}"
    return f"**{quote.text}** — {source}"


def _supporting(quote: Quote) -> str:
    if quote.table:
        return f"{quote.text}\n\n— *{where(quote.citation)}*"
    return f"> {quote.text} — *{where(quote.citation)}*"


def _bold_row(table: str) -> str:
    """A header, separator and row, the row's cells in bold."""
    *head, row = table.split("\n")
    cells = [cell.strip() for cell in row.strip().strip("|").split("|")]
    return "\n".join([*head, "| " + " | ".join(f"**{c}**" if c else c for c in cells) + " |"])
