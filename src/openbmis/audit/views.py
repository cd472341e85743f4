"""Audit trail search and chain verification for auditors."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.dateparse import parse_date

from openbmis.accounts.decorators import permission_required
from openbmis.audit import services
from openbmis.audit.models import AuditEvent


@permission_required("audit.view")
def search(request: HttpRequest) -> HttpResponse:
    events = AuditEvent.objects.order_by("-seq")
    q = request.GET
    if q.get("actor"):
        events = events.filter(actor_label=q["actor"])
    if q.get("action"):
        events = events.filter(action__startswith=q["action"])
    if q.get("object_type"):
        events = events.filter(object_type=q["object_type"])
    if q.get("object"):
        events = events.filter(object_label__icontains=q["object"])
    if q.get("border_post"):
        events = events.filter(border_post_code=q["border_post"].upper())
    error = None
    since, until = parse_date(q.get("from") or ""), parse_date(q.get("to") or "")
    if (q.get("from") and since is None) or (q.get("to") and until is None):
        error = "Dates must be written YYYY-MM-DD."
    elif since and until and since > until:
        error = "'From' is after 'to'."
    else:
        if since:
            events = events.filter(at__date__gte=since)
        if until:
            events = events.filter(at__date__lte=until)
    page = Paginator(events, 50).get_page(q.get("page"))
    report = services.verify() if q.get("verify") else None
    return render(request, "audit/search.html", {"page": page, "query": q, "report": report, "error": error},
                  status=400 if error else 200)
