"""Errors the API answers with: RFC 9457 problem+json, each with a stable ``code``."""

from __future__ import annotations

from collections.abc import Mapping

from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from aios.api.models import Problem

PROBLEM = "application/problem+json"
_TITLES = {
    400: "Bad request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    408: "Request timeout",
    409: "Conflict",
    413: "Too large",
    415: "Unsupported media type",
    422: "Invalid request",
    429: "Too many requests",
    500: "Internal error",
    502: "Bad gateway",
    503: "Not ready",
}

CODES: dict[str, str] = {
    "unauthorized": "no valid API key or access token, or a wrong user name or password at "
    "sign-in (401)",
    "origin_not_allowed": "the key may not be used from this page's origin (403)",
    "not_allowed": "the caller may not do this, e.g. approve their own request (403)",
    "no_role": "the identity provider's token is valid, but its groups give no aios role (403)",
    "not_found": "no such session, approval, example or route (404)",
    "method_not_allowed": "the route exists, not with this method; see Allow (405)",
    "invalid_input": "the request is malformed: a bad field, a bad query, bad JSON (400, 422)",
    "idempotency_conflict": "the Idempotency-Key was used before with another request (422)",
    "in_progress": "a request with this Idempotency-Key is still running (409)",
    "already_reviewed": "the learnt example was accepted or dismissed already (409)",
    "already_answered": "the MCP call held for confirmation was answered already, in any "
    "channel, or is being carried out (409)",
    "expired": "the MCP call held for confirmation expired before it was answered (409)",
    "call_failed": "a confirmed MCP call was refused or failed by its system, or the audit "
    "trail could not be written; nothing was changed (502)",
    "unknown_skill": "the learnt example's skill no longer exists (409)",
    "never_matches": "the example would never be planned by its skill (422)",
    "too_large": "the body is over its limit (413)",
    "unsupported_media_type": "the body is not of a type the route takes (415)",
    "audio_too_long": "the recording is longer than AIOS_VOICE_MAX_SECONDS (413)",
    "invalid_audio": "the audio cannot be decoded (422; 400 on a call)",
    "no_speech": "nothing was said in the recording (422)",
    "unsupported_audio": "a call's audio format is not 16 kHz mono 16-bit PCM (415)",
    "already_started": "a call sent a second start message (400)",
    "not_started": "a call sent something before its start message (400)",
    "no_start": "a call sent no start message in time (408)",
    "invalid_message": "a call's message is not one the protocol knows (400)",
    "frame_too_large": "a call's text message is over its limit (413)",
    "too_many_utterances": "a call says too much at once (429)",
    "rate_limited": "over the key's request rate, or too many failed sign-ins; see "
    "Retry-After (429)",
    "internal": "something failed on our side; nothing was lost (500)",
    "provider_unavailable": "the identity provider (or its group mapping) cannot be used right "
    "now; an API key still works (503)",
}
"""Every ``code`` an error of the API carries, and what it means: the one documented set
(README, "Errors"). A test keeps the code, this list and the README's table in step."""

_BY_STATUS = {
    400: "invalid_input",
    401: "unauthorized",
    403: "not_allowed",
    404: "not_found",
    405: "method_not_allowed",
    413: "too_large",
    415: "unsupported_media_type",
    422: "invalid_input",
    429: "rate_limited",
}


class ApiError(HTTPException):
    def __init__(
        self, status: int, code: str, detail: str, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(status, detail, headers)
        self.code = code


def code_of(exc: HTTPException) -> str:
    """``exc``'s stable code: its own when aios raised it, else the documented code of its
    status (FastAPI and Starlette raise their 400, 404 and 405 without one)."""
    own = getattr(exc, "code", None)
    if isinstance(own, str):
        return own
    fallback = "internal" if exc.status_code >= 500 else "invalid_input"
    return _BY_STATUS.get(exc.status_code, fallback)


def problem(
    status: int, code: str, detail: str, headers: Mapping[str, str] | None = None
) -> JSONResponse:
    body = Problem(title=_TITLES.get(status, "Error"), status=status, detail=detail, code=code)
    return JSONResponse(body.model_dump(), status_code=status, media_type=PROBLEM, headers=headers)
