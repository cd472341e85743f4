"""Domain errors raised by services. HTTP mapping happens only at the API and view edge."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """Base: a message for people, a stable code for programs, and optional structured details."""

    code = "error"

    def __init__(self, message: str, *, field: str | None = None, **details: Any) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.details = details

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"code": self.code, "detail": self.message}
        if self.field:
            data["field"] = self.field
        if self.details:
            data["details"] = self.details
        return data


class InvalidInput(DomainError):
    code = "invalid"


class NotFound(DomainError):
    code = "not_found"


class AccessDenied(DomainError):
    code = "forbidden"


class Conflict(DomainError):
    code = "conflict"


class TooLarge(DomainError):
    """A body or file over the installation's size limit (HTTP 413)."""

    code = "too_large"


#: The one mapping from domain errors to HTTP statuses, used by the API and by the pages alike.
HTTP_STATUS: tuple[tuple[type[DomainError], int], ...] = (
    (InvalidInput, 422), (NotFound, 404), (AccessDenied, 403), (Conflict, 409), (TooLarge, 413),
)


def http_status(error: DomainError) -> int:
    """The HTTP status for a domain error (400 for one of no more specific kind)."""
    return next((status for kind, status in HTTP_STATUS if isinstance(error, kind)), 400)


# --- the API's bodies for failures outside any endpoint (the middleware and the API share them) ---
def too_large_body() -> dict[str, str]:
    """The API's 413 body: the configured limit named."""
    from django.conf import settings

    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    return {"code": "too_large", "field": "body",
            "detail": f"the request body is larger than the limit of {limit} bytes"}


def bad_multipart(exc: Exception) -> dict[str, str]:
    return {"code": "invalid", "field": "file", "detail": f"malformed multipart body: {exc}"}


def server_error_body(request: Any) -> dict[str, str]:
    """The API's 500 body: no detail of the failure, the request id to quote."""
    request_id = getattr(request, "request_id", "")
    return {"code": "server_error", "request_id": request_id,
            "detail": f"an unexpected error; quote request id {request_id} to your administrator"}
