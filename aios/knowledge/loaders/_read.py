"""Reading a file's bytes and text, with the checks that turn bad input into a skip reason."""

from __future__ import annotations

from pathlib import Path

DEFAULT_MAX_BYTES = 5 * 1024 * 1024


class SkipFile(Exception):
    """This file cannot be ingested; ``reason`` says why in words a person can act on."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def read_bytes(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
    """The file's bytes, refusing empty, oversized and unreadable files."""
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise SkipFile(f"too large ({_mb(size)} > {_mb(max_bytes)} limit)")
        data = path.read_bytes()
    except OSError as exc:
        raise SkipFile(f"unreadable: {exc.strerror or exc}") from exc
    if not data.strip():
        raise SkipFile("empty file")
    return data


def read_text(data: bytes) -> str:
    """Decode a text file, refusing binary content dressed up with a text suffix."""
    if b"\x00" in data:
        raise SkipFile("binary content (NUL bytes) in a text file")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SkipFile(f"not UTF-8 text (undecodable byte at offset {exc.start})") from exc
    return text.replace("\r\n", "\n").replace("\r", "\n")


def humanize(stem: str) -> str:
    """A title from a file name: ``travel-expense_policy`` → ``Travel expense policy``."""
    words = stem.replace("_", " ").replace("-", " ").split()
    return " ".join(words).capitalize() if words else stem


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"
