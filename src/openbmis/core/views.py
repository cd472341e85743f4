from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from openbmis import __version__
from openbmis.core.models import Installation


@login_required
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "core/home.html", {"installation": Installation.objects.first()})


def health(request: HttpRequest) -> JsonResponse:
    """Liveness for load balancers and the post's monitoring: no data, no authentication."""
    return JsonResponse({"status": "ok", "version": __version__})
