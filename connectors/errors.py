"""Typed errors a person can act on. Each carries a stable code and an HTTP status.

Both transports raise the same classes: the HTTP server renders them as RFC 9457
problem+json and the HTTP client turns the problem back into the class.
"""

from __future__ import annotations

from typing import Any, ClassVar


class ConnectorError(Exception):
    """Base of every error an operation can raise."""

    code: ClassVar[str] = "connector_error"
    status: ClassVar[int] = 500
    transient: ClassVar[bool] = False

    def __init__(self, message: str, **details: Any) -> None:
        super().__init__(message)
        self.message = message
        self.details = details

    def to_problem(self) -> dict[str, Any]:
        return {
            "type": f"urn:aios:error:{self.code}",
            "title": self.code.replace("_", " "),
            "status": self.status,
            "detail": self.message,
            "code": self.code,
            "details": self.details,
        }


class InvalidInput(ConnectorError):
    """The request is malformed: a missing field, a bad amount, an unknown operation."""

    code = "invalid_input"
    status = 400


class NotFound(ConnectorError):
    """A referenced record (account, order, invoice, …) does not exist."""

    code = "not_found"
    status = 404


class IdempotencyConflict(ConnectorError):
    """The idempotency key was used before with different arguments."""

    code = "idempotency_conflict"
    status = 409


class RuleViolation(ConnectorError):
    """The system refuses: the request breaks one of its business rules."""

    code = "rule_violation"
    status = 422


class SystemUnavailable(ConnectorError):
    """The system is down, overloaded or too slow; the request may be retried."""

    code = "system_unavailable"
    status = 503
    transient = True


ERRORS_BY_CODE: dict[str, type[ConnectorError]] = {
    cls.code: cls
    for cls in (InvalidInput, NotFound, IdempotencyConflict, RuleViolation, SystemUnavailable)
}


def error_from_problem(problem: dict[str, Any], http_status: int) -> ConnectorError:
    """Rebuild the typed error a server sent as problem+json."""
    cls = ERRORS_BY_CODE.get(str(problem.get("code")))
    message = str(problem.get("detail") or f"HTTP {http_status}")
    details = problem.get("details") if isinstance(problem.get("details"), dict) else {}
    if cls is None:
        cls = SystemUnavailable if http_status >= 500 else InvalidInput
    return cls(message, **(details or {}))
