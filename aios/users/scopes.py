"""What an API key may be limited to: the web origins of the pages that use it, and a rate."""

from __future__ import annotations

from urllib.parse import urlsplit

import limits


def origin_of(text: str) -> str:
    """``text`` as a web origin (``scheme://host[:port]``); ValueError when it is not one."""
    parts = urlsplit(text.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.path not in ("", "/"):
        raise ValueError(f"not a web origin: {text!r} (want e.g. https://intranet.example.com)")
    if parts.query or parts.fragment or parts.username:
        raise ValueError(f"not a web origin: {text!r} (no path, query or credentials)")
    return f"{parts.scheme}://{parts.netloc.lower()}"


def checked_rate(text: str) -> str:
    """``text`` if it is a rate such as ``60/minute``; ValueError with the reason otherwise."""
    try:
        limits.parse(text)
    except ValueError:
        raise ValueError(f"not a rate: {text!r} (want e.g. 60/minute or 5/second)") from None
    return text
