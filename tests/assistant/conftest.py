from __future__ import annotations


def kinds(events) -> list[str]:
    return [event.type for event in events]
