"""Audit trail search and chain verification for auditors."""

from __future__ import annotations

import csv
import io
import json
from typing import Any
from uuid import UUID

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from openbmis.accounts.decorators import permission_required
from openbmis.audit import services, subjects
from openbmis.audit.refs import value_ref


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
    if q.get("traveller", "").strip():
        travellers, problem = _travellers(q["traveller"])
        error = error or problem
        events = events.filter(id__in=subjects.events_about(travellers).values("id"))
    if q.get("format") == "csv" and not error:
        return _export(request, events)
    page = Paginator(events, 50).get_page(q.get("page"))
    for event in page:
        event.admission = subjects.admission_note(event)  # type: ignore[attr-defined]
    report = services.verify() if q.get("verify") else None
    return render(request, "audit/search.html", {"page": page, "query": q, "report": report, "error": error},
                  status=400 if error else 200)


def _travellers(text: str) -> tuple[list[Any], str | None]:
    """A traveller id, or a document number resolved to the travellers who presented it."""
    found = subjects.travellers_named(text)
    return found, None if found else _("No traveller presented a document of that number.")


EXPORT_LIMIT = 10_000


def _export(request: HttpRequest, events: Any) -> HttpResponse:
    """The search results as CSV (at most EXPORT_LIMIT events, newest first); the export itself is audited."""
    rows = list(events[:EXPORT_LIMIT])
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["seq", "at", "actor", "action", "object_type", "object_id", "object", "border_post", "reason",
                     "request_id", "admission"])
    for e in rows:
        writer.writerow([e.seq, e.at.isoformat(), e.actor_label, e.action, e.object_type, e.object_id,
                         e.object_label, e.border_post_code, e.reason, e.request_id, subjects.admission_note(e)])
    filters: dict[str, str] = {k: str(v) for k, v in request.GET.items() if k not in ("format", "page") and v}
    if "traveller" in filters:  # a document number is personal data: the trail keeps a keyed tag of it
        filters["traveller"] = value_ref("document", filters["traveller"])
    services.record(actor=request.user, action="audit.export", object_type="audit", object_id="search",
                    after={"filters": filters, "events": len(rows), "format": "csv"})
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="openbmis-audit.csv"'
    return response


#: Where an event's object is shown, by object type (a page that exists for it).
OBJECT_PAGES = {"inspection": "inspections:detail", "traveller": "travellers:detail", "hit": "watchlists:hit",
                "watchlist": "watchlists:detail", "border_post": "borderposts:detail", "user": "accounts:user_detail"}


@permission_required("audit.view")
def event_detail(request: HttpRequest, event_id: UUID) -> HttpResponse:
    """One event: actor, time, post, request, object with a link, before and after, reason; and the other events
    of the same request."""
    event = services.get_event(event_id)
    link = ""
    name = OBJECT_PAGES.get(event.object_type)
    if name and event.object_id:
        try:
            arg = event.object_label if event.object_type in ("user", "border_post") else event.object_id
            link = reverse(name, args=[arg])
        except NoReverseMatch:
            link = ""
    same_request = (services.search_events().filter(request_id=event.request_id).exclude(id=event.id)[:20]
                    if event.request_id else [])
    return render(request, "audit/event.html", {
        "event": event, "link": link, "admission": subjects.admission_note(event), "same_request": same_request,
        "before": json.dumps(event.before, indent=2, ensure_ascii=False, default=str) if event.before else "",
        "after": json.dumps(event.after, indent=2, ensure_ascii=False, default=str) if event.after else "",
    })


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
                  {"events": events, "query": q, "error": error, "searched": bool(travellers),
                   "travellers": [str(t) for t in travellers]},
                  status=400 if error and q.get("traveller") else 200)


@permission_required("audit.view")
def subject_access(request: HttpRequest, traveller_id: Any) -> HttpResponse:
    """Everything held on one traveller (right of access), as a PDF, or JSON with ?format=json."""
    from openbmis.audit import subject_access as sar

    data = sar.export(request.user, traveller_id)
    if request.GET.get("format") == "json":
        response = HttpResponse(sar.as_json(data), content_type="application/json")
        extension = "json"
    else:
        response = HttpResponse(sar.as_pdf(data), content_type="application/pdf")
        extension = "pdf"
    response["Content-Disposition"] = f'attachment; filename="subject-access-{traveller_id}.{extension}"'
    return response
