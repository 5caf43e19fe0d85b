"""Structure-aware chunking: passages never cross a heading, and carry their heading path.

A section's text is split into blocks at blank lines and packed greedily into chunks of at
most ``max_chars``; a block too long on its own is split at sentence ends (a Markdown table at
row ends, repeating its header). Consecutive chunks of one section share a short overlap.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from dataclasses import dataclass

from aios.knowledge.models import Chunk, LoadedDocument, Section

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[\"'(\[]?[A-Z0-9])")
_TABLE_ROW = re.compile(r"^\s*\|")


@dataclass(frozen=True)
class ChunkingConfig:
    max_chars: int = 800
    overlap_chars: int = 120
    min_chars: int = 200


def chunk_document(
    document: LoadedDocument, source: str, config: ChunkingConfig | None = None
) -> list[Chunk]:
    """Cut a loaded document into chunks with stable ids and citation metadata."""
    config = config or ChunkingConfig()
    meta = document.meta
    ordinals: Counter[str] = Counter()
    chunks: list[Chunk] = []
    for section in document.sections:
        heading_path = " > ".join(section.heading_path)
        for text in split_section(section, config):
            ordinal = ordinals[heading_path]
            ordinals[heading_path] += 1
            chunks.append(
                Chunk(
                    id=chunk_id(source, heading_path, ordinal),
                    source=source,
                    title=meta.title,
                    heading=section.heading_path[-1] if section.heading_path else "",
                    heading_path=heading_path,
                    text=text,
                    version=meta.version,
                    effective=meta.effective,
                    superseded=bool(meta.superseded_by),
                )
            )
    return chunks


def chunk_id(source: str, heading_path: str, ordinal: int) -> str:
    digest = hashlib.sha256(f"{source}\x1f{heading_path}\x1f{ordinal}".encode()).hexdigest()
    return digest[:32]


def split_section(section: Section, config: ChunkingConfig) -> list[str]:
    """The chunk texts of one section, in order."""
    text = section.text.strip()
    if not text:
        return []
    if section.atomic and len(text) <= 2 * config.max_chars:
        return [text]
    pieces: list[tuple[str, str]] = []  # (text, separator to put before it)
    for block in re.split(r"\n\s*\n", text):
        block = block.strip("\n")
        if not block.strip():
            continue
        if len(block) <= config.max_chars:
            pieces.append((block, "\n\n"))
            continue
        for index, part in enumerate(_split_block(block, config.max_chars)):
            pieces.append((part, "\n\n" if index == 0 else _joiner(block)))
    return _pack(pieces, config)


def _joiner(block: str) -> str:
    return "\n" if "\n" in block else " "


def _split_block(block: str, limit: int) -> list[str]:
    lines = block.split("\n")
    if len(lines) > 2 and all(_TABLE_ROW.match(line) for line in lines[:2]):
        return _split_table(lines, limit)
    if "\n" in block and all(len(line) <= limit for line in lines):
        units = lines  # lists and the like: line ends are the natural cut points
    else:
        units = [s for s in _SENTENCE_END.split(re.sub(r"\s*\n\s*", " ", block)) if s]
    out: list[str] = []
    for unit in units:
        out.extend(_hard_wrap(unit, limit) if len(unit) > limit else [unit])
    return out


def _split_table(lines: list[str], limit: int) -> list[str]:
    """Split a Markdown table at row ends, each part starting with the header rows."""
    header, rows = lines[:2], lines[2:]
    parts: list[list[str]] = []
    size = limit  # forces a first part
    for row in rows:
        if size + len(row) + 1 > limit and (not parts or len(parts[-1]) > 2):
            parts.append(list(header))
            size = sum(len(h) + 1 for h in header)
        parts[-1].append(row)
        size += len(row) + 1
    return ["\n".join(part) for part in parts]


def _hard_wrap(text: str, limit: int) -> list[str]:
    out: list[str] = []
    while len(text) > limit:
        cut = text.rfind(" ", 0, limit)
        cut = cut if cut > limit // 2 else limit
        out.append(text[:cut].strip())
        text = text[cut:].strip()
    if text:
        out.append(text)
    return out


def _pack(pieces: list[tuple[str, str]], config: ChunkingConfig) -> list[str]:
    chunks: list[str] = []
    current = ""
    carried = 0  # length of the overlap that ``current`` starts with
    for piece, separator in pieces:
        if not current:
            current = piece
        elif len(current) + len(separator) + len(piece) <= config.max_chars:
            current = f"{current}{separator}{piece}"
        else:
            chunks.append(current)
            tail = _overlap(current, config.overlap_chars)
            fits = tail and len(tail) + len(piece) < config.max_chars
            current, carried = (f"{tail} {piece}", len(tail) + 1) if fits else (piece, 0)
    if current:
        rest = current[carried:]
        if chunks and len(current) < config.min_chars and _mergeable(chunks[-1], rest, config):
            chunks[-1] = f"{chunks[-1]}\n\n{rest}"
        else:
            chunks.append(current)
    return chunks


def _overlap(text: str, limit: int) -> str:
    """The last sentence of ``text``, if it is short enough to repeat at the next chunk's start."""
    if limit <= 0:
        return ""
    sentences = _SENTENCE_END.split(text.replace("\n", " "))
    tail = sentences[-1].strip() if len(sentences) > 1 else ""
    return f"… {tail}" if tail and len(tail) <= limit else ""


def _mergeable(previous: str, last: str, config: ChunkingConfig) -> bool:
    return len(previous) + len(last) + 2 <= config.max_chars * 1.25
