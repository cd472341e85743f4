"""Audit trail search and chain verification for auditors."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.dateparse import parse_date

from openbmis.accounts.decorators import permission_required
from openbmis.audit import services


@permission_required("audit.view")
def search(request: HttpRequest) -> HttpResponse:
    q = request.GET
    error = None
    since, until = parse_date(q.get("from") or ""), parse_date(q.get("to") or "")
    if (q.get("from") and since is None) or (q.get("to") and until is None):
        error = "Dates must be written YYYY-MM-DD."
    elif since and until and since > until:
        error = "'From' is after 'to'."
    if error:
        since = until = None  # show the other filters' results beside the message
    events = services.search_events(
        actor=q.get("actor"), action=q.get("action"), object_type=q.get("object_type"),
        object_label=q.get("object"), border_post=q.get("border_post"), since=since, until=until,
    )
    page = Paginator(events, 50).get_page(q.get("page"))
    report = services.verify() if q.get("verify") else None
    return render(request, "audit/search.html", {"page": page, "query": q, "report": report, "error": error},
                  status=400 if error else 200)
