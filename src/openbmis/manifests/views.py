"""Advance passenger information in the UI: manifests of arriving flights with their findings and
reconciliation, the pre-arrival queue with the judgement form, carriers' compliance, and a manual upload."""

from __future__ import annotations

from uuid import UUID

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from openbmis.accounts.decorators import permission_required
from openbmis.audit.access import record_access
from openbmis.core.errors import AccessDenied, DomainError
from openbmis.manifests import api, services
from openbmis.manifests.models import PreArrivalHit
from openbmis.watchlists.forms import JudgementForm


class UploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("PAXLST interchange"))


@permission_required("manifests.view")
def manifest_list(request: HttpRequest) -> HttpResponse:
    rows = services.list_manifests(request.user)
    return render(request, "manifests/list.html", {"manifests": rows})


@permission_required("manifests.view")
def manifest_detail(request: HttpRequest, manifest_id: UUID) -> HttpResponse:
    manifest = services.get_manifest(request.user, manifest_id)  # NotFound/AccessDenied: their pages
    persons = list(manifest.persons.prefetch_related("hits__watchlist", "hits__judged_by").select_related("inspection"))
    record_access(request, "page:manifest", "manifest_person", [p.pk for p in persons],
                  [p.inspection.traveller_id for p in persons if p.inspection is not None])
    return render(request, "manifests/detail.html",
                  {"manifest": manifest, "persons": persons, "report": services.reconcile(manifest),
                   "late": services.is_late(manifest)})


@permission_required("prearrival.adjudicate")
@require_http_methods(["GET", "HEAD", "POST"])
def queue(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "pending")
    if status not in (*PreArrivalHit.Status.values, "all"):
        status = "pending"
    form = JudgementForm(request.POST or None)
    errors: dict[str, str] = {}
    if request.method == "POST":
        hit_id = request.POST.get("hit", "")
        try:
            hit = services.get_hit(request.user, UUID(hit_id))
            if form.is_valid():
                services.judge(request.user, hit, status=form.cleaned_data["status"],
                               reason=form.cleaned_data["reason"])
                messages.success(request, _("Judgement recorded."))
                return redirect("manifests:queue")
            errors[hit_id] = _("Choose a judgement and give a reason.")
        except ValueError:
            errors[hit_id] = _("No such hit.")
        except AccessDenied:
            raise  # refused: the 403 page (core PageErrorsMiddleware), not a form error
        except DomainError as exc:
            errors[hit_id] = exc.message
    hits = list(services.queue(request.user, status=None if status == "all" else status))
    record_access(request, "page:prearrival_queue", "prearrival_hit", [h.pk for h in hits])
    return render(request, "manifests/queue.html",
                  {"hits": hits, "status": status, "errors": errors, "form": JudgementForm(auto_id=False),
                   "statuses": [*PreArrivalHit.Status.choices, ("all", _("All"))]},
                  status=400 if request.method == "POST" else 200)


@permission_required("manifests.view")
def compliance(request: HttpRequest) -> HttpResponse:
    month = request.GET.get("month", "")
    try:
        start, end = api.month_range(month)
    except DomainError:
        start, end = api.month_range("")
    rows = services.compliance(request.user, start=start, end=end)
    return render(request, "manifests/compliance.html", {"rows": rows, "month": start.strftime("%Y-%m")})


@permission_required("manifests.submit")
@require_http_methods(["GET", "HEAD", "POST"])
def upload(request: HttpRequest) -> HttpResponse:
    form = UploadForm(request.POST or None, request.FILES or None)
    done = None
    if request.method == "POST" and form.is_valid():
        try:
            done = services.ingest(request.user, form.cleaned_data["file"].read(), source="api")
            messages.success(request, _("Manifest received."))
        except AccessDenied:
            raise  # refused: the 403 page (core PageErrorsMiddleware), not a form error
        except DomainError as exc:
            form.add_error("file", exc.message)
    return render(request, "manifests/upload.html", {"form": form, "done": done},
                  status=400 if request.method == "POST" and done is None else 200)
