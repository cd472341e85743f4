from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from openbmis import __version__
from openbmis.core.models import Installation


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Each role's work: the officer's open inspections and queues, the supervisor's post dashboards."""
    from openbmis.inspections import work

    context: dict[str, Any] = {"installation": Installation.objects.first(), **work.officer_home(request.user)}
    context["dashboards"] = [work.post_dashboard(post) for post in work.supervised_posts(request.user)]
    return render(request, "core/home.html", context)


def health(request: HttpRequest) -> JsonResponse:
    """Liveness for load balancers and the post's monitoring: no data, no authentication."""
    return JsonResponse({"status": "ok", "version": __version__})
