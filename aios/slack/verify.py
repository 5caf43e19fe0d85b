"""What HTTP mode checks before it reads a request at all: Slack's signature over the raw body,
and a fresh timestamp; then that the signed body is the JSON or form Slack sends. Bolt parses
the body before it verifies the signature, so unsigned junk made it fail with a traceback.

https://docs.slack.dev/authentication/verifying-requests-from-slack/
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping
from urllib.parse import parse_qs

MAX_AGE_S = 300
"""Slack's own rule: a request older (or newer) than five minutes may be a replay."""


def signed(body: bytes, headers: Mapping[str, str], secret: str, now: float) -> bool:
    """Whether ``body`` carries a valid, fresh signature made with ``secret``."""
    stamp = headers.get("x-slack-request-timestamp", "")
    signature = headers.get("x-slack-signature", "")
    if not (stamp.isascii() and stamp.isdigit()) or not signature.isascii():
        return False
    if abs(now - int(stamp)) > MAX_AGE_S:
        return False
    base = b"v0:" + stamp.encode() + b":" + body
    expected = "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected.encode(), signature.encode())


def malformed(body: bytes, content_type: str) -> str | None:
    """Why ``body`` is not a request Slack sends (an Events API delivery as JSON, or an
    interaction as a form with a JSON ``payload``), or None when it is one."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return "the body is not UTF-8"
    if content_type.startswith("application/x-www-form-urlencoded"):
        form = parse_qs(text, keep_blank_values=True)
        if "payload" not in form:
            return "the form has no payload"
        text = form["payload"][0]
    elif not content_type.startswith("application/json"):
        return f"unexpected content type {content_type or 'none'}"
    try:
        parsed = json.loads(text)
    except ValueError:
        return "the body is not valid JSON"
    if not isinstance(parsed, dict):
        return "the body is not a JSON object"
    return None
