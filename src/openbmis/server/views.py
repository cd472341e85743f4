"""The start page: each app's work for the signed-in user, composed here so that ``core`` depends on no app."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from openbmis.core.models import Installation
from openbmis.inspections import work


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Each role's work: the officer's open inspections and queues, the supervisor's post dashboards."""
    context: dict[str, Any] = {"installation": Installation.objects.first(), **work.officer_home(request.user)}
    context["dashboards"] = [work.post_dashboard(post) for post in work.supervised_posts(request.user)]
    return render(request, "home.html", context)
