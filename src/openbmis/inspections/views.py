"""The counter (primary inspection), an inspection's page, the secondary queue and the stay calculator (the
traveller's pages are in the travellers app)."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from openbmis import mrz
from openbmis.accounts import authz
from openbmis.accounts.decorators import permission_required
from openbmis.audit.access import record_access
from openbmis.borderposts.models import BorderPost
from openbmis.core.errors import AccessDenied, DomainError, NotFound
from openbmis.inspections import services
from openbmis.inspections.forms import CounterForm, DecisionForm, ManualDocumentForm, NoteForm
from openbmis.inspections.models import Crossing, Inspection, Referral
from openbmis.inspections.timeline import visible_crossings

SESSION_COUNTER = "openbmis_counter"


def _posts(user: Any, permission: str) -> list[BorderPost]:
    scope = authz.post_scope(user, permission)
    posts = BorderPost.objects.filter(status=BorderPost.Status.ACTIVE).prefetch_related("lanes")
    if not isinstance(scope, authz.AllPosts):
        posts = posts.filter(id__in=scope)
    return list(posts)


def _counter_form(request: HttpRequest, data: Any = None, files: Any = None) -> tuple[CounterForm, list[BorderPost]]:
    posts = _posts(request.user, "inspections.primary")
    remembered = request.session.get(SESSION_COUNTER, {})
    chosen = (data or {}).get("border_post") or remembered.get("border_post") or (posts[0].code if posts else "")
    post = next((p for p in posts if p.code == chosen), posts[0] if posts else None)
    lanes = [(lane.code, f"{lane.code} ({lane.get_direction_display()})") for lane in post.lanes.all()] if post else []
    initial = {"border_post": post.code if post else "", "lane": remembered.get("lane", ""),
               "direction": remembered.get("direction", "entry"), "client_id": uuid.uuid4()}
    form = CounterForm(data, files, posts=[(p.code, f"{p.code} — {p.name}") for p in posts], lanes=lanes, initial=initial)
    return form, posts


@permission_required("inspections.primary")
@require_http_methods(["GET", "HEAD", "POST"])
def counter(request: HttpRequest) -> HttpResponse:
    """Scan or paste the MRZ; a readable MRZ starts the inspection at once, a misread one is shown
    field by field with a form to correct it by hand."""
    form, _posts_list = _counter_form(request, request.POST or None, request.FILES or None)
    manual = ManualDocumentForm(prefix="doc")
    reading = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        request.session[SESSION_COUNTER] = {"border_post": data["border_post"], "lane": data["lane"],
                                            "direction": data["direction"]}
        manual_mode = request.POST.get("mode") == "manual"
        if manual_mode:
            manual = ManualDocumentForm(request.POST, prefix="doc")
        try:
            post = BorderPost.objects.get(code=data["border_post"])
            document = None
            text = data["mrz"]
            if manual_mode:
                if not manual.is_valid():
                    raise _FormInvalid()
                document, text = manual.cleaned_data, None
            elif not text.strip() and data.get("image"):
                text = _scan_image(form, data["image"])
            elif not text.strip():
                form.add_error("mrz", _("Scan or paste the MRZ, or enter the document by hand."))
                raise _FormInvalid()
            if text and not manual_mode:
                reading = _read(text)
                if reading is not None and not reading.valid and not data["proceed_invalid"]:
                    manual = ManualDocumentForm(prefix="doc", initial=_fields_of(reading))
                    raise _FormInvalid()
            started = services.start_inspection(
                request.user, border_post=post, client_id=data["client_id"], direction=data["direction"],
                lane_code=data["lane"] or None, mrz_text=text, document=document, purpose=data["purpose"],
                travel_mode=data["travel_mode"], transport_id=data["transport_id"],
                national_name=data["national_name"],
            )
            return redirect("inspections:detail", inspection_id=started.inspection.id)
        except _FormInvalid:
            pass
        except DomainError as exc:
            target = exc.field if exc.field in form.fields else None
            form.add_error(target, exc.message)
    recent = list(Inspection.objects.filter(officer_id=request.user.pk).select_related("traveller")[:8])
    if recent and request.method == "GET":  # the officer's own last inspections, with names: a read
        record_access(request, "page:counter_recent", "inspection", [i.id for i in recent],
                      [i.traveller_id for i in recent])
    status = 400 if request.method == "POST" else 200
    # Choosing a lane sets its direction (counter.js); a lane for both directions leaves it to the officer.
    lane_directions = {lane.code: lane.direction for post in _posts_list for lane in post.lanes.all()
                       if post.code == form["border_post"].value() and lane.direction in ("entry", "exit")}
    return render(request, "inspections/counter.html",
                  {"form": form, "manual": manual, "reading": reading, "recent": recent,
                   "lane_directions": lane_directions}, status=status)


class _FormInvalid(Exception):
    """Internal: re-render the counter form with what is wrong."""


def _scan_image(form: CounterForm, upload: Any) -> str:
    """Read the MRZ from a photo (the optional OCR extra); put what was read into the form."""
    try:
        from openbmis.mrz.ocr import OCRError, scan
    except ImportError:
        form.add_error("image", _("Reading photos needs the OCR extra (pip install openbmis[ocr])."))
        raise _FormInvalid() from None
    try:
        result = scan(upload.read())
    except OCRError as exc:
        form.add_error("image", str(exc))
        raise _FormInvalid() from None
    text = "\n".join(result.mrz.lines)
    # Show the officer what was read, so that a misreading can be corrected in the MRZ field.
    shown = form.data.copy()  # type: ignore[attr-defined]  # a QueryDict, immutable until copied
    shown["mrz"] = text
    form.data = shown
    return text


def _read(text: str) -> mrz.MRZResult | None:
    try:
        return mrz.parse(text)
    except mrz.MRZError:
        return None


def _fields_of(result: mrz.MRZResult) -> dict[str, Any]:
    fields = result.fields()
    return {"document_code": fields.document_code.replace("<", ""), "issuing_state": fields.issuing_state,
            "document_number": fields.document_number, "primary_identifier": fields.primary_identifier,
            "secondary_identifier": fields.secondary_identifier, "nationality": fields.nationality,
            "birth_date": fields.birth_date, "sex": fields.sex, "expiry_date": fields.expiry_date}


def _inspection_or_error(request: HttpRequest, inspection_id: Any) -> Inspection:
    """The inspection, if the user may see it; NotFound and AccessDenied become their pages
    (core.middleware.PageErrorsMiddleware)."""
    return services.get_inspection(request.user, inspection_id)


@permission_required("identities.view")
@require_http_methods(["GET", "HEAD", "POST"])
def detail(request: HttpRequest, inspection_id: Any) -> HttpResponse:
    found = _inspection_or_error(request, inspection_id)
    inspection = found
    record_access(request, "page:inspection", "inspection", [inspection.id], [inspection.traveller_id])
    form = DecisionForm(request.POST or None, initial={"permitted_until": services.suggested_stay(inspection)})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            result = services.decide(request.user, inspection, decision=data["decision"], reasons=data["reasons"],
                                     permitted_until=data["permitted_until"], note=data["note"])
            name = {"name": inspection.traveller.full_name}
            if isinstance(result, Referral):
                messages.success(request, _("Referred to secondary inspection."))
            elif result.decision == "admit" and result.direction == "exit":
                messages.success(request, _("Exit allowed: %(name)s.") % name)
            elif result.decision == "admit":
                messages.success(request, _("Admitted: %(name)s.") % name)
            else:
                messages.success(request, _("Refused: %(name)s.") % name)
            # A referral goes back to the counter; a secondary decision goes back to the queue.
            decided_in_secondary = inspection.status == Inspection.Status.REFERRED
            return redirect("inspections:queue" if decided_in_secondary else "inspections:counter")
        except AccessDenied:
            raise  # the 403 page
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
    history = list(visible_crossings(inspection.traveller, authz.post_scope(request.user, "identities.view"))
                   .exclude(inspection=inspection).select_related("border_post", "document").order_by("-at")[:10])
    can_decide = inspection.status == Inspection.Status.OPEN and authz.has_permission(
        request.user, "inspections.primary", inspection.border_post_id)
    can_decide_secondary = inspection.status == Inspection.Status.REFERRED and authz.has_permission(
        request.user, "inspections.secondary", inspection.border_post_id)
    referral = Referral.objects.filter(inspection=inspection).prefetch_related("notes__author").first()
    from openbmis.watchlists.models import Hit

    hit_rows = list(Hit.objects.filter(inspection=inspection).select_related("watchlist").order_by("-score"))
    context = {
        "inspection": inspection, "form": form, "history": history, "referral": referral,
        "failing": [c for c in inspection.checks if c.get("status") in ("fail", "warn")],
        "hit_rows": hit_rows,
        "can_decide": can_decide or can_decide_secondary, "secondary": can_decide_secondary,
        "note_form": NoteForm(), "crossing": Crossing.objects.filter(inspection=inspection).first(),
        "blocking": services.blocking_checks(inspection) if can_decide or can_decide_secondary else [],
        "may_override": services.may_override(request.user, inspection),
        "can_void": inspection.status in (Inspection.Status.OPEN, Inspection.Status.REFERRED) and (
            (inspection.status == Inspection.Status.OPEN and inspection.officer_id == request.user.pk)
            or authz.has_permission(request.user, "inspections.override", inspection.border_post_id)),
        "can_adjudicate": bool(inspection.hits or hit_rows) and authz.has_permission(
            request.user, "hits.adjudicate", inspection.border_post_id),
    }
    return render(request, "inspections/detail.html", context, status=400 if request.method == "POST" else 200)


@permission_required("identities.view")
def refusal_form(request: HttpRequest, inspection_id: Any) -> HttpResponse:
    """The refusal-of-entry form to print and hand to the traveller, the grounds ticked (the layout of the
    Schengen Borders Code's standard form is the model)."""
    from openbmis.inspections.models import RefusalReason

    found = _inspection_or_error(request, inspection_id)
    crossing = Crossing.objects.filter(inspection=found, decision=Crossing.Decision.REFUSE).select_related(
        "officer", "border_post", "document").first()
    if crossing is None:
        raise NotFound(_("This inspection ended in no refusal."))
    grounds = [{"code": r.code, "label": services.ground_label(r), "ticked": r.code in crossing.reasons}
               for r in RefusalReason.objects.all()]
    return render(request, "inspections/refusal_form.html",
                  {"inspection": found, "crossing": crossing, "grounds": grounds, "person": found.traveller})


@login_required
def work_counts(request: HttpRequest) -> HttpResponse:
    """The menu's counts as JSON, polled by menu.js (only what the user may open)."""
    from openbmis.inspections import work

    response = JsonResponse(work.counts(request.user))
    response["Cache-Control"] = "no-store"
    return response


@permission_required("inspections.primary")
@require_POST
def void(request: HttpRequest, inspection_id: Any) -> HttpResponse:
    """Void a mistaken or abandoned inspection with a reason (the service decides who may)."""
    found = _inspection_or_error(request, inspection_id)
    try:
        services.void_inspection(request.user, found, reason=request.POST.get("reason", ""))
        messages.success(request, _("Inspection voided."))
        return redirect("inspections:counter")
    except AccessDenied:
        raise  # the 403 page
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("inspections:detail", inspection_id=found.id)


@permission_required("inspections.secondary")
def queue(request: HttpRequest) -> HttpResponse:
    posts = _posts(request.user, "inspections.secondary")
    waiting = (Referral.objects.filter(border_post__in=posts, status=Referral.Status.WAITING)
               .select_related("border_post", "inspection__traveller", "referred_by").order_by("referred_at"))
    now = timezone.now()
    referrals = list(waiting)
    rows = [{"referral": r, "waiting_minutes": int((now - r.referred_at).total_seconds() // 60)} for r in referrals]
    record_access(request, "page:secondary_queue", "referral", [r.id for r in referrals],
                  [r.inspection.traveller_id for r in referrals])
    return render(request, "inspections/queue.html", {"rows": rows, "posts": posts})


@permission_required("inspections.secondary")
@require_POST
def add_note(request: HttpRequest, referral_id: Any) -> HttpResponse:
    referral = Referral.objects.select_related("border_post").filter(id=referral_id).first()
    if referral is None:
        raise NotFound(_("No such referral."))
    form = NoteForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["image"]
        try:
            services.add_referral_note(request.user, referral, text=form.cleaned_data["text"],
                                       image=upload.read() if upload else None)
            messages.success(request, _("Note added."))
        except AccessDenied:
            raise  # the 403 page
        except DomainError as exc:
            messages.error(request, exc.message)
    return redirect("inspections:detail", inspection_id=referral.inspection_id)


@permission_required("inspections.secondary")
def note_image(request: HttpRequest, note_id: Any) -> HttpResponse:
    from openbmis.inspections.models import ReferralNote

    note = (ReferralNote.objects.select_related("referral__border_post", "referral__inspection")
            .filter(id=note_id).first())
    if note is None or not note.image:
        raise NotFound(_("No such note image."))
    if not authz.has_permission(request.user, "inspections.secondary", note.referral.border_post_id):
        raise AccessDenied(_("This note is at a post where you do not work the secondary queue."))
    record_access(request, "page:referral_image", "referral_note", [note.id],
                  [note.referral.inspection.traveller_id])
    return HttpResponse(bytes(note.image), content_type=note.image_type)


@permission_required("inspections.primary")
def stay_calculator(request: HttpRequest) -> HttpResponse:
    """Until when may this person stay, and how many days of the window are used: the stay rules applied to
    the recorded crossings (or to dates typed in), without starting an inspection."""
    from openbmis.inspections.calculator import calculate
    from openbmis.inspections.forms import StayForm

    form = StayForm(request.GET or None)
    answer = None
    if request.GET and form.is_valid():
        try:
            answer = calculate(request.user, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
    return render(request, "inspections/stay.html", {"form": form, "answer": answer},
                  status=400 if request.GET and not form.is_valid() else 200)


@permission_required("identities.view")
def chip_photo(request: HttpRequest, inspection_id: Any) -> HttpResponse:
    """The DG2 face image of the chip read for this inspection, as JPEG (browsers rarely show JPEG 2000)."""
    import io

    from PIL import Image

    from openbmis.trust.models import ChipVerification

    found = _inspection_or_error(request, inspection_id)
    record = (ChipVerification.objects.filter(inspection_id=found.id).exclude(photo=None)
              .order_by("-created_at").first())
    if record is None or not record.photo:
        raise NotFound(_("No chip photo for this inspection."))
    record_access(request, "page:chip_photo", "chip_read", [record.id], [found.traveller_id])
    data = bytes(record.photo)
    if record.photo_mime_type != "image/jpeg":
        try:
            with Image.open(io.BytesIO(data)) as image:
                buffer = io.BytesIO()
                image.convert("RGB").save(buffer, format="JPEG", quality=90)
                data = buffer.getvalue()
        except (OSError, ValueError):
            raise NotFound(_("The chip photo could not be decoded.")) from None
    response = HttpResponse(data, content_type="image/jpeg")
    response["Cache-Control"] = "no-store"
    return response
