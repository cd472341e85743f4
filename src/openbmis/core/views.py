from __future__ import annotations

from django.http import HttpRequest, JsonResponse

from openbmis import __version__


def health(request: HttpRequest) -> JsonResponse:
    """Liveness for load balancers and the post's monitoring: no data, no authentication."""
    return JsonResponse({"status": "ok", "version": __version__})
