"""Pages of the reference library, and document images served only through permission checks."""

from __future__ import annotations

from datetime import timedelta
from uuid import UUID

from django.db.models import Count, Q
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from openbmis.accounts import authz
from openbmis.accounts.decorators import permission_required
from openbmis.audit.access import record_access
from openbmis.core.errors import AccessDenied, InvalidInput
from openbmis.documents import library, services
from openbmis.documents.forms import ExaminationForm
from openbmis.documents.models import AlertImage, DocumentModel, FraudAlert, ReferenceImage
from openbmis.inspections.check_details import AlertDetail, details_of
from openbmis.inspections.models import Inspection, Referral


@require_GET
@permission_required("documents.library")
def library_search(request: HttpRequest) -> HttpResponse:
    state = (request.GET.get("issuing_state") or "").strip().upper()[:3]
    code = (request.GET.get("document_code") or "").strip().upper()[:2]
    models = list(library.search(state, code)) if (state or code) else list(library.search())
    alerts = library.alerts_in_force(state or None, timezone.localdate())
    return render(request, "documents/library.html", {
        "models": models, "alerts": alerts, "issuing_state": state, "document_code": code,
        "can_manage": authz.has_permission(request.user, "documents.manage"),
    })


@require_GET
@permission_required("documents.library")
def model_detail(request: HttpRequest, model_id: UUID) -> HttpResponse:
    model = get_object_or_404(DocumentModel.objects.prefetch_related("images", "features__image"), id=model_id)
    alerts = [a for a in library.alerts_in_force(model.issuing_state, timezone.localdate())
              if a.model_id in (None, model.id)]
    return render(request, "documents/model.html", {"model": model, "alerts": alerts})


def _file(field: object) -> HttpResponse:
    response = FileResponse(field.open("rb"))  # type: ignore[attr-defined]
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response  # type: ignore[return-value]  # a streaming response is what Django serves here


@require_GET
@permission_required("documents.library")
def reference_image(request: HttpRequest, image_id: UUID) -> HttpResponse:
    return _file(get_object_or_404(ReferenceImage, id=image_id).file)


@require_GET
@permission_required("documents.library")
def alert_image(request: HttpRequest, image_id: UUID) -> HttpResponse:
    return _file(get_object_or_404(AlertImage, id=image_id).file)


@require_GET
@permission_required("documents.examine")
def examination_image(request: HttpRequest, image_id: UUID) -> HttpResponse:
    """A photograph of a traveller's document: only for examiners at its post who may see identities there.
    Refusals are pages of the error middleware; every view of the image is in the access log."""
    image = services.examination_image(request.user, image_id)
    examination = image.examination
    record_access(request, "page:examination_image", "examination_image", [image.id],
                  [examination.inspection.traveller_id])
    return _file(image.file)


@permission_required("documents.examine")
def examine(request: HttpRequest, inspection_id: UUID) -> HttpResponse:
    """The examination form at secondary, reached from the referral."""
    inspection = get_object_or_404(Inspection.objects.select_related("border_post", "referral"), id=inspection_id)
    if not authz.has_permission(request.user, "documents.examine", inspection.border_post_id):
        raise AccessDenied(_("You do not examine documents at this inspection's post."))
    form = ExaminationForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_examination(
                request.user, inspection, verdict=form.cleaned_data["verdict"],
                disposition=form.cleaned_data["disposition"], findings=form.findings_list(),
                note=form.cleaned_data["note"], images=form.images(),
                alert=_alert_of(inspection))
        except InvalidInput as exc:
            form.add_error(None, exc.message)
        else:
            return redirect("inspections:detail", inspection.id)
    examinations = inspection.examinations.prefetch_related("images").all()  # type: ignore[attr-defined]
    return render(request, "documents/examine.html", {
        "inspection": inspection, "form": form, "examinations": examinations,
        "models": library.for_document(inspection.document_data or {}),
    })


QUEUE_DAYS = 7  # decided referrals stay on the examiner's list this long (to record an examination afterwards)


@require_GET
@permission_required("documents.examine")
def examination_queue(request: HttpRequest) -> HttpResponse:
    """The examiner's list: the inspections referred at their posts (waiting, or decided in the last days), those
    with a fraud alert first, and whether the document was examined already."""
    referrals = authz.limit_to_scope(
        Referral.objects.select_related("inspection", "border_post")
        .filter(Q(status=Referral.Status.WAITING) | Q(decided_at__gte=timezone.now() - timedelta(days=QUEUE_DAYS)))
        .annotate(examined=Count("inspection__examinations")),
        request.user, "documents.examine")
    rows = []
    for referral in referrals.order_by("-referred_at")[:200]:
        alerts = _alerts_of(referral.inspection)
        document = referral.inspection.document_data or {}
        rows.append({"referral": referral, "inspection": referral.inspection, "alerts": alerts,
                     "issuing_state": document.get("issuing_state", ""),
                     "document_code": document.get("document_code", "")})
    rows.sort(key=lambda row: (not row["alerts"], row["referral"].status != Referral.Status.WAITING))
    record_access(request, "page:examination_queue", "inspection", [r["inspection"].id for r in rows],
                  [r["inspection"].traveller_id for r in rows])
    return render(request, "documents/queue.html", {"rows": rows, "days": QUEUE_DAYS})


def _alerts_of(inspection: Inspection) -> list[AlertDetail]:
    """The fraud alerts the inspection's ``document_alerts`` check found (id, title, ...), in its order."""
    details = details_of(inspection.checks, "document_alerts")
    return list(details.get("alerts", [])) if details else []


def _alert_of(inspection: Inspection) -> FraudAlert | None:
    alerts = _alerts_of(inspection)
    return FraudAlert.objects.filter(id=alerts[0]["id"]).first() if alerts else None
