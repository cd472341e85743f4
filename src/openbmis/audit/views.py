"""Audit trail search and chain verification for auditors."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

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


@permission_required("audit.view")
def accesses(request: HttpRequest) -> HttpResponse:
    """Who looked at this person: the access log of one traveller, found by id or by document number."""
    from uuid import UUID

    from openbmis.audit import access

    q = request.GET
    error = None
    travellers: list[object] = []
    if q.get("traveller"):
        try:
            travellers = [UUID(q["traveller"].strip())]
        except ValueError:
            error = _("The traveller id is not a valid identifier.")
    elif q.get("document"):
        travellers = access.travellers_with_document(q["document"])
        if not travellers:
            error = _("No traveller presented a document of that number.")
    events = [e for t in travellers for e in access.accesses_of(t)[:500]]
    events.sort(key=lambda e: -e.seq)
    return render(request, "audit/accesses.html",
                  {"events": events, "query": q, "error": error, "searched": bool(travellers)},
                  status=400 if error and q.get("traveller") else 200)
