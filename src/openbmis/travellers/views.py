"""The travellers' pages: a traveller's page (identity, documents, timeline), the search, merging and splitting
identities, and the rectification workflow (the request form on the traveller's page and the queue of requests)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from openbmis.accounts import authz
from openbmis.accounts.decorators import permission_required
from openbmis.audit.access import record_access
from openbmis.core.errors import DomainError, NotFound
from openbmis.core.ids import is_uuid
from openbmis.inspections.timeline import timeline, visible_documents
from openbmis.travellers import rectifications, services
from openbmis.travellers.forms import TravellerSearchForm
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
    return redirect("travellers:detail", traveller_id=person.id)


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


@permission_required("identities.view")
def detail(request: HttpRequest, traveller_id: Any) -> HttpResponse:
    """A traveller's page: identity, the documents and the timeline recorded at the user's posts (audited)."""
    person = Traveller.objects.filter(id=traveller_id).first()
    scope = authz.post_scope(request.user, "identities.view")
    visible = person is not None and (
        isinstance(scope, authz.AllPosts) or person.inspections.filter(border_post__in=scope).exists()
    )
    if person is None or not visible:
        raise NotFound(_("No such traveller in your posts."))
    services.record_view(request.user, person)
    record_access(request, "page:traveller", "traveller", [person.id], [person.id])
    events, in_country = timeline(person, posts=scope)
    can_rectify = rectifications.may_rectify(request.user, person)
    return render(request, "travellers/traveller.html",
                  {"person": person, "events": events, "in_country": in_country,
                   "documents": visible_documents(person, scope), "can_manage": _manageable(request, person)
                   if authz.has_permission(request.user, "travellers.manage") else False,
                   "can_rectify": can_rectify,
                   "corrections": list(person.rectifications.order_by("-requested_at")[:20]) if can_rectify else []})


@permission_required("identities.view")
def search(request: HttpRequest) -> HttpResponse:
    """Find a traveller by name, document number and birth date, within the user's posts (audited)."""
    form = TravellerSearchForm(request.GET or None)
    results = None
    if request.GET and form.is_valid():
        data = form.cleaned_data
        try:
            results = services.search(request.user, name=data["name"], document=data["document"],
                                      birth_date=data["birth_date"])
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            record_access(request, "page:traveller_search", "traveller", [t.id for t in results],
                          [t.id for t in results])
    return render(request, "travellers/traveller_search.html", {"form": form, "results": results},
                  status=400 if request.GET and not form.is_valid() else 200)


def _manageable(request: HttpRequest, person: Traveller) -> bool:
    """Supervisors manage identities of travellers inspected at their posts (national: all)."""
    scope = authz.post_scope(request.user, "travellers.manage")
    if isinstance(scope, authz.AllPosts):
        return True
    return bool(scope) and person.inspections.filter(border_post__in=scope).exists()


@permission_required("travellers.manage")
@require_POST
def merge(request: HttpRequest, traveller_id: Any) -> HttpResponse:
    """Merge this identity into another one (both inspected at the supervisor's posts), with a reason."""
    source = Traveller.objects.filter(id=traveller_id).first()
    target_id = request.POST.get("target", "").strip()
    target = Traveller.objects.filter(id=target_id).first() if is_uuid(target_id) else None
    if source is None or not _manageable(request, source):
        raise NotFound(_("No such traveller in your posts."))
    if target is None or not _manageable(request, target):
        messages.error(request, _("Give the id of the traveller to merge into (one inspected at your posts)."))
        return redirect("travellers:detail", traveller_id=source.id)
    try:
        services.merge(request.user, source, target, request.POST.get("reason", ""))
        messages.success(request, _("Identities merged."))
        return redirect("travellers:detail", traveller_id=target.id)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("travellers:detail", traveller_id=source.id)


@permission_required("travellers.manage")
@require_POST
def split(request: HttpRequest, document_id: Any) -> HttpResponse:
    """Detach a wrongly linked document into a new identity, with a reason."""
    document = TravelDocument.objects.select_related("traveller").filter(id=document_id).first()
    if document is None or not _manageable(request, document.traveller):
        raise NotFound(_("No such document in your posts."))
    try:
        new = services.split(request.user, document, request.POST.get("reason", ""))
        messages.success(request, _("Document split into a new identity."))
        return redirect("travellers:detail", traveller_id=new.id)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("travellers:detail", traveller_id=document.traveller_id)
