"""The REST API: one NinjaAPI, one router per app, domain errors mapped to HTTP here only."""

from __future__ import annotations

import logging

from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.http import HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from openbmis import __version__
from openbmis.accounts.api import router as accounts_router
from openbmis.accounts.api_auth import API_AUTH
from openbmis.audit.api import router as audit_router
from openbmis.borderposts.api import router as borderposts_router
from openbmis.capacity.api import public_router as certificates_public_router
from openbmis.capacity.api import router as capacity_router
from openbmis.capacity.api import training_router
from openbmis.core.apitypes import ApiParser
from openbmis.core.errors import (
    DomainError,
    bad_multipart,
    http_status,
    server_error_body,
    too_large_body,
)
from openbmis.documents.api import router as documents_router
from openbmis.documents.chip import router as chip_router
from openbmis.inspections.api import router as inspections_router
from openbmis.manifests.api import router as manifests_router
from openbmis.network.api import router as network_router
from openbmis.permits.api import router as permits_router
from openbmis.retention.api import router as retention_router
from openbmis.statistics.api import router as statistics_router
from openbmis.travellers.api import router as travellers_router
from openbmis.trust.api import router as trust_router
from openbmis.watchlists.api import router as watchlists_router

api = NinjaAPI(
    title="OpenBMIS API",
    version=__version__,
    description=(
        "One API for the web UI's own calls, border-post nodes and third parties. "
        "Authenticate with `Authorization: Bearer <token>` (create one with `openbmis token create`) "
        "or, from the web UI, with the session cookie and CSRF token. Every endpoint enforces the caller's "
        "roles, border-post scope and the token's scopes; errors are JSON objects with `code` and `detail`."
    ),
    auth=API_AUTH,
    urls_namespace="api",
    parser=ApiParser(),
)

log = logging.getLogger("openbmis.api")


@api.exception_handler(DomainError)
def _domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return api.create_response(request, exc.as_dict(), status=http_status(exc))


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    detail = (
        "authentication required: send 'Authorization: Bearer <token>' with a valid, unrevoked token, "
        "or log in (administrators and auditors with their second factor)"
    )
    return api.create_response(request, {"code": "unauthenticated", "detail": detail}, status=401)


@api.exception_handler(NinjaValidationError)
def _invalid_body(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    problems = []
    for error in exc.errors:
        location = ".".join(str(part) for part in error.get("loc", ()) if part not in ("body", "payload"))
        problems.append({"field": location, "message": error.get("msg", "invalid")})
    detail = "; ".join(f"{p['field']}: {p['message']}" for p in problems) or "malformed request"
    return api.create_response(request, {"code": "invalid", "detail": detail, "errors": problems}, status=422)


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    """django-ninja's own refusals, with our error shape; a refusal by our body parser keeps its field."""
    if isinstance(exc.__cause__, DomainError):
        return _domain_error(request, exc.__cause__)
    codes = {400: "bad_request", 403: "forbidden", 404: "not_found", 405: "method_not_allowed"}
    return api.create_response(request, {"code": codes.get(exc.status_code, "error"), "detail": str(exc)},
                               status=exc.status_code)


@api.exception_handler(RequestDataTooBig)
def _too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    return api.create_response(request, too_large_body(), status=413)


@api.exception_handler(MultiPartParserError)
def _bad_multipart(request: HttpRequest, exc: MultiPartParserError) -> HttpResponse:
    return api.create_response(request, bad_multipart(exc), status=400)


@api.exception_handler(SuspiciousOperation)
def _suspicious(request: HttpRequest, exc: SuspiciousOperation) -> HttpResponse:
    return api.create_response(request, {"code": "bad_request", "detail": "the request was refused as malformed"},
                               status=400)


@api.exception_handler(Exception)
def _server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
    """Never an HTML page or a traceback for an API client: a JSON 500 carrying the request id to quote."""
    log.exception("unhandled error in %s %s", request.method, request.path)
    return api.create_response(request, server_error_body(request), status=500)


api.add_router("/", accounts_router)
api.add_router("/border-posts", borderposts_router)
api.add_router("/audit", audit_router)
api.add_router("/documents", documents_router)
api.add_router("/documents", chip_router)
api.add_router("/trust", trust_router)
api.add_router("/", inspections_router)
api.add_router("/", travellers_router)
api.add_router("/", watchlists_router)
api.add_router("/", permits_router)
api.add_router("/statistics", statistics_router)
api.add_router("/retention", retention_router)
api.add_router("/", network_router)
api.add_router("/", manifests_router)
api.add_router("/capacity", capacity_router)
api.add_router("/training", training_router)
api.add_router("/", certificates_public_router)
