"""Accumulates lines under a stack of headings into :class:`Section` values."""

from __future__ import annotations

from aios.knowledge.models import Section


class SectionBuilder:
    """Feed it headings and lines in document order; ``finish`` returns the sections."""

    def __init__(self, root: list[str] | None = None) -> None:
        self._stack: list[tuple[int, str]] = [(0, title) for title in (root or [])]
        self._lines: list[str] = []
        self._sections: list[Section] = []

    def heading(self, level: int, title: str) -> None:
        self._flush()
        while self._stack and self._stack[-1][0] >= level:
            self._stack.pop()
        if title:
            self._stack.append((level, title))

    def add_line(self, line: str) -> None:
        self._lines.append(line)

    def add_block(self, text: str) -> None:
        """Add a paragraph-like block, separated from the previous one by a blank line."""
        if self._lines:
            self._lines.append("")
        self._lines.append(text)

    def pop_last_line(self) -> str:
        return self._lines.pop() if self._lines else ""

    def pending_is_single_line(self) -> bool:
        """Whether the text since the last blank line is exactly one line."""
        tail = 0
        for line in reversed(self._lines):
            if not line.strip():
                break
            tail += 1
        return tail == 1

    def finish(self) -> list[Section]:
        self._flush()
        return self._sections

    def _flush(self) -> None:
        text = "\n".join(self._lines).strip("\n")
        self._lines = []
        if text.strip():
            path = [title for _, title in self._stack]
            self._sections.append(Section(heading_path=path, text=text))
