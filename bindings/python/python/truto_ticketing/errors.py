"""The exceptions of ``truto_ticketing``: one class per error kind of the core.

Every error carries what the core knows (``kind``, ``message``, ``status``, ...);
secrets such as the API token or a password were scrubbed before they got here.
Every exception pickles, so it can cross a ``multiprocessing`` boundary.
"""

from __future__ import annotations

from typing import Any, ClassVar, Dict, List, Mapping, Optional, Type

__all__ = [
    "TrutoError",
    "APIError",
    "BadRequestError",
    "AuthenticationError",
    "PermissionDeniedError",
    "NotFoundError",
    "MethodNotAllowedError",
    "ConflictError",
    "UnprocessableEntityError",
    "RateLimitError",
    "InternalServerError",
    "APIConnectionError",
    "APITimeoutError",
    "InvalidInputError",
    "DecodeError",
]


class TrutoError(Exception):
    """The base of every error the SDK raises.

    ``str(error)`` reads like ``bad_request (400): Missing required fields
    [missing required: emails]``.
    """

    default_kind: ClassVar[str] = "unknown"

    #: The error kind, the same name in every language: ``bad_request``, ``timeout``, ...
    kind: str
    #: Truto's message for API errors (may be empty), the SDK's otherwise.
    message: str
    #: For ``invalid_input``: the argument or field that was refused, e.g. ``emails[0].email``.
    field: Optional[str]
    #: The HTTP status, when the failure is an answer from the server.
    status: Optional[int]
    #: The ``x-request-id`` of the failing answer, if it had one.
    request_id: Optional[str]
    #: Truto's ``truto_error_insight`` object, as sent.
    insight: Optional[Dict[str, Any]]
    #: Body fields and then query parameters the integration requires but did not get.
    missing_required_fields: List[str]
    #: True when the remote provider, not Truto, caused the failure.
    is_remote_error: bool
    #: The raw response body (for decode errors, an excerpt).
    body: Optional[str]
    #: Seconds the server asked to wait (``Retry-After`` or ``ratelimit-reset``).
    retry_after: Optional[float]
    #: HTTP attempts made (0 when nothing was sent).
    attempts: int
    #: The ``Idempotency-Key`` every attempt carried: retrying with it is safe.
    idempotency_key: Optional[str]

    def __init__(self, message: str = "", details: Optional[Mapping[str, Any]] = None) -> None:
        found: Dict[str, Any] = dict(details) if details else {}
        super().__init__(found.get("display") or message)
        self.kind = found.get("kind") or self.default_kind
        self.message = found.get("message", message)
        self.field = found.get("field")
        self.status = found.get("status")
        self.request_id = found.get("request_id")
        self.insight = found.get("insight")
        self.missing_required_fields = list(found.get("missing_required_fields") or [])
        self.is_remote_error = bool(found.get("is_remote_error", False))
        self.body = found.get("body")
        self.retry_after = found.get("retry_after")
        self.attempts = int(found.get("attempts") or 0)
        self.idempotency_key = found.get("idempotency_key")


class APIError(TrutoError):
    """Truto (or the provider behind it) answered with an error status (``status``)."""


class BadRequestError(APIError):
    """400, and any other 4xx without a class of its own: e.g. missing required fields."""

    default_kind = "bad_request"


class AuthenticationError(APIError):
    """401: a bad token, or the provider rejected the connection."""

    default_kind = "authentication"


class PermissionDeniedError(APIError):
    """403: forbidden, e.g. missing scopes."""

    default_kind = "permission_denied"


class NotFoundError(APIError):
    """404: an unknown integrated account or resource."""

    default_kind = "not_found"


class MethodNotAllowedError(APIError):
    """405: a write on a sandbox (read-only) account."""

    default_kind = "method_not_allowed"


class ConflictError(APIError):
    """409: a uniqueness conflict, or an idempotency key reused with another body."""

    default_kind = "conflict"


class UnprocessableEntityError(APIError):
    """422: the provider's validation failed."""

    default_kind = "unprocessable"


class RateLimitError(APIError):
    """429: rate limited; ``retry_after`` says when to come back."""

    default_kind = "rate_limited"


class InternalServerError(APIError):
    """5xx: Truto or the provider failed (503: the integrated account is blocked)."""

    default_kind = "server"


class APIConnectionError(TrutoError):
    """The connection failed or dropped before a complete answer arrived."""

    default_kind = "connection"


class APITimeoutError(APIConnectionError):
    """An attempt took longer than its timeout (or the server answered 408)."""

    default_kind = "timeout"


class InvalidInputError(TrutoError, ValueError):
    """Refused before anything was sent; ``field`` names the culprit."""

    default_kind = "invalid_input"


class DecodeError(TrutoError):
    """A response the SDK could not read: not JSON, wrong types, truncated, too large."""

    default_kind = "decode"


_CLASS_OF_KIND: Dict[str, Type[TrutoError]] = {
    cls.default_kind: cls
    for cls in (
        BadRequestError,
        AuthenticationError,
        PermissionDeniedError,
        NotFoundError,
        MethodNotAllowedError,
        ConflictError,
        UnprocessableEntityError,
        RateLimitError,
        InternalServerError,
        APIConnectionError,
        APITimeoutError,
        InvalidInputError,
        DecodeError,
    )
}


def _from_native(details: Mapping[str, Any]) -> TrutoError:
    """Builds the exception for the core's ``Error.to_json()`` (called from Rust)."""
    cls = _CLASS_OF_KIND.get(details.get("kind", ""), TrutoError)
    return cls(details.get("message", ""), details)
