"""Pages of the rectification workflow: the request form (on the traveller's page) and the queue of requests."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from openbmis.accounts.decorators import permission_required
from openbmis.audit.access import record_access
from openbmis.core.errors import DomainError, NotFound
from openbmis.core.ids import is_uuid
from openbmis.travellers import rectifications
from openbmis.travellers.models import Rectification, TravelDocument, Traveller

PERMISSION = rectifications.PERMISSION
#: The fields by their names on the traveller's page (the models' own labels, already translated).
LABELS = {
    "primary_identifier": Traveller._meta.get_field("primary_identifier").verbose_name,
    "secondary_identifier": Traveller._meta.get_field("secondary_identifier").verbose_name,
    "birth_date": Traveller._meta.get_field("birth_date").verbose_name,
    "nationality": Traveller._meta.get_field("nationality").verbose_name,
    "sex": Traveller._meta.get_field("sex").verbose_name,
    "document_number": TravelDocument._meta.get_field("number").verbose_name,
}


@permission_required(PERMISSION)
@require_POST
def request_correction(request: HttpRequest, traveller_id: Any) -> HttpResponse:
    """The form on the traveller's page: the fields filled in are the corrections asked for."""
    person = Traveller.objects.filter(id=traveller_id).first()
    if person is None:
        raise NotFound(_("No such traveller in your posts."))
    changes = {f: request.POST[f].strip() for f in rectifications.FIELDS if request.POST.get(f, "").strip()}
    document_id = request.POST.get("document", "").strip()
    document = (TravelDocument.objects.filter(id=document_id, traveller=person).first()
                if is_uuid(document_id) else None)
    try:
        rectifications.request(request.user, person, changes=changes, reason=request.POST.get("reason", ""),
                               document=document)
    except NotFound:
        raise NotFound(_("No such traveller in your posts.")) from None
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Correction requested: a second supervisor or administrator must approve it."))
    return redirect("inspections:traveller", traveller_id=person.id)


@permission_required(PERMISSION)
def queue(request: HttpRequest) -> HttpResponse:
    """The requests at the user's posts: those pending first, to approve or reject, then the last decided."""
    visible = rectifications.visible(request.user)
    pending = list(visible.filter(status=Rectification.Status.PENDING).order_by("requested_at")[:200])
    decided = list(visible.exclude(status=Rectification.Status.PENDING).order_by("-decided_at")[:50])
    rows = pending + decided
    for item in rows:
        item.rows = [(LABELS.get(f, f), item.previous.get(f), v)  # type: ignore[attr-defined]
                     for f, v in item.changes.items()]
    record_access(request, "page:rectifications", "rectification", [r.id for r in rows],
                  [r.traveller_id for r in rows])
    return render(request, "travellers/rectifications.html", {"pending": pending, "decided": decided})


@permission_required(PERMISSION)
@require_POST
def decide(request: HttpRequest, rectification_id: Any, verdict: str) -> HttpResponse:
    item = rectifications.get(request.user, rectification_id)
    reason = request.POST.get("reason", "")
    try:
        if verdict == "approve":
            rectifications.approve(request.user, item, reason)
            messages.success(request, _("Correction approved and applied."))
        else:
            rectifications.reject(request.user, item, reason)
            messages.success(request, _("Correction rejected."))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("travellers:rectifications")
