"""Request id and secure response headers."""

from __future__ import annotations

import re
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from openbmis.core import context

_VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")

# Everything is served from this origin (assets are vendored: posts are often offline).
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
# The generated API docs page loads its own inline bootstrap; it is the one relaxed page.
DOCS_CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
    "script-src 'self' 'unsafe-inline'; object-src 'none'; base-uri 'self'; frame-ancestors 'none'"
)


class RequestIdMiddleware:
    """Give each request an id (or accept a well-formed X-Request-ID) and echo it back."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _VALID_REQUEST_ID.match(incoming) else context.new_request_id()
        request.request_id = request_id  # type: ignore[attr-defined]
        token = context.set_request_id(request_id)
        try:
            response = self.get_response(request)
        finally:
            context.reset_request_id(token)
        response["X-Request-ID"] = request_id
        return response


class SecureHeadersMiddleware:
    """Content-Security-Policy and the headers Django's SecurityMiddleware does not set."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        policy = DOCS_CONTENT_SECURITY_POLICY if request.path.startswith("/api/docs") else CONTENT_SECURITY_POLICY
        response.setdefault("Content-Security-Policy", policy)
        response.setdefault("Permissions-Policy", "camera=(self), microphone=(), geolocation=()")
        response.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        if request.user.is_authenticated if hasattr(request, "user") else False:
            response.setdefault("Cache-Control", "no-store")
        return response


class ApiErrorsMiddleware:
    """API clients get JSON errors, never HTML pages, in production too.

    Refuses a NUL character in an API path or query string (422), turns what escapes the API's own
    handlers (a body over the upload limit: 413; a malformed multipart body: 400; anything else: 500) and
    Django's HTML error pages for /api/ paths (an unknown path: 404) into `{code, detail}` JSON.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    @staticmethod
    def _is_api(request: HttpRequest) -> bool:
        return request.path_info.startswith("/api/")

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not self._is_api(request):
            return self.get_response(request)
        from urllib.parse import unquote

        if "\x00" in request.path_info:
            return _json({"code": "invalid", "field": "path", "detail": "the path may not contain NUL"}, 422)
        query = request.META.get("QUERY_STRING", "")
        if "\x00" in unquote(query):
            return _json({"code": "invalid", "field": "query", "detail": "the query may not contain NUL"}, 422)
        response = self.get_response(request)
        if response.status_code >= 400 and response.get("Content-Type", "").startswith("text/html"):
            detail = {400: "bad request", 403: "forbidden", 404: f"no API endpoint at {request.path_info}",
                      413: "the request body is too large"}.get(response.status_code, "an unexpected error")
            code = {404: "not_found", 403: "forbidden", 413: "too_large"}.get(response.status_code, "error")
            return _json({"code": code, "detail": detail}, response.status_code)
        return response

    def process_exception(self, request: HttpRequest, exc: Exception) -> HttpResponse | None:
        if not self._is_api(request):
            return None
        from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
        from django.http.multipartparser import MultiPartParserError

        from openbmis.core.errors import bad_multipart, server_error_body, too_large_body

        if isinstance(exc, RequestDataTooBig):
            return _json(too_large_body(), 413)
        if isinstance(exc, MultiPartParserError):
            return _json(bad_multipart(exc), 400)
        if isinstance(exc, SuspiciousOperation):
            return _json({"code": "bad_request", "detail": "the request was refused as malformed"}, 400)
        import logging

        logging.getLogger("openbmis.api").exception("unhandled error in %s %s", request.method, request.path)
        return _json(server_error_body(request), 500)


def _json(body: dict[str, str], status: int) -> HttpResponse:
    from django.http import JsonResponse

    return JsonResponse(body, status=status)


class PageErrorsMiddleware:
    """A domain error that escapes a page's view becomes the page for it, as the API turns it into JSON.

    Views call services and let ``NotFound``, ``AccessDenied`` and the rest propagate: one mapping
    (:func:`openbmis.core.errors.http_status`) decides the status, and the page says what the service said.
    A form that wants to show the error beside a field still catches it itself.
    """

    TEMPLATES = {404: "404.html", 403: "403.html"}

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exc: Exception) -> HttpResponse | None:
        from django.shortcuts import render

        from openbmis.core.errors import DomainError, http_status

        if request.path_info.startswith("/api/") or not isinstance(exc, DomainError):
            return None
        status = http_status(exc)
        template = self.TEMPLATES.get(status, "error.html")
        return render(request, template, {"detail": exc.message, "status": status}, status=status)
