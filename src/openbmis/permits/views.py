"""Visa policy, registry and bans in the UI (administrators edit, officers and analysts read); the overstay
list with filters and CSV export (analysts and supervisors)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from openbmis.accounts import authz
from openbmis.accounts.decorators import permission_required
from openbmis.audit.access import record_access
from openbmis.core.errors import DomainError, NotFound
from openbmis.core.spreadsheet import SafeWriter
from openbmis.core.uploads import upload_limit
from openbmis.permits import services, tasks
from openbmis.permits.forms import (
    BanForm,
    EVisaImportForm,
    ExtensionForm,
    OverstayFilterForm,
    PermitForm,
    RuleForm,
    VisaForm,
)
from openbmis.permits.models import EntryBan, ResidencePermit, Visa, VisaPolicyRule


def _can_manage(request: HttpRequest) -> bool:
    return authz.has_permission(request.user, "permits.manage")


def _form_error(form: Any, exc: DomainError) -> None:
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


@permission_required("permits.view")
def rules(request: HttpRequest) -> HttpResponse:
    return render(request, "permits/rules.html", {"rules": VisaPolicyRule.objects.all(),
                                                  "can_manage": _can_manage(request)})


@permission_required("permits.manage")
@require_http_methods(["GET", "HEAD", "POST"])
def rule_edit(request: HttpRequest, rule_id: UUID | None = None) -> HttpResponse:
    rule = None
    if rule_id is not None:
        rule = services.get_rule(rule_id)  # NotFound: the 404 page (core.middleware.PageErrorsMiddleware)
    form = RuleForm(request.POST or None, instance=rule)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in services.RULE_FIELDS}
        try:
            if rule is None:
                services.create_rule(request.user, **data)
            else:
                services.update_rule(request.user, services.get_rule(rule.id), **data)
            messages.success(request, _("Visa policy rule saved."))
            return redirect("permits:rules")
        except DomainError as exc:
            _form_error(form, exc)
    return render(request, "permits/form.html", {"form": form, "title": _("Visa policy rule")},
                  status=400 if request.method == "POST" else 200)


@permission_required("permits.view")
def visas(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip().upper()
    found = Visa.objects.all()
    permits = ResidencePermit.objects.all()
    identity = services.register_identities_visible(request.user)
    if query and identity:
        found = found.filter(passport_number=query) | found.filter(number=query)
        permits = permits.filter(passport_number=query) | permits.filter(number=query)
    elif query:  # without identities access a passport number finds nothing: only record numbers do
        found, permits = found.filter(number=query), permits.filter(number=query)
    shown: list[Any] = [*found[:200], *permits[:200]]
    if query and identity:
        record_access(request, "page:visas", "visa", [r.pk for r in shown], services.holders_of(shown))
    return render(request, "permits/visas.html", {"visas": found[:200], "permits": permits[:200], "q": query,
                                                  "can_manage": _can_manage(request), "identity": identity})


def _model_form_view(request: HttpRequest, form: Any, create: Any, title: str, done: str) -> HttpResponse:
    if request.method == "POST" and form.is_valid():
        try:
            create(request.user, **form.cleaned_data)
            messages.success(request, _("Saved."))
            return redirect(done)
        except DomainError as exc:
            _form_error(form, exc)
    return render(request, "permits/form.html", {"form": form, "title": title},
                  status=400 if request.method == "POST" else 200)


@permission_required("permits.manage")
@require_http_methods(["GET", "HEAD", "POST"])
def visa_new(request: HttpRequest) -> HttpResponse:
    return _model_form_view(request, VisaForm(request.POST or None), services.create_visa, _("Register a visa"),
                            "permits:visas")


@permission_required("permits.manage")
@require_http_methods(["GET", "HEAD", "POST"])
def permit_new(request: HttpRequest) -> HttpResponse:
    return _model_form_view(request, PermitForm(request.POST or None), services.create_permit,
                            _("Register a residence or work permit"), "permits:visas")


@permission_required("permits.manage")
@require_http_methods(["GET", "HEAD", "POST"])
def evisa_import(request: HttpRequest) -> HttpResponse:
    form = EVisaImportForm(request.POST or None, request.FILES or None)
    errors: list[dict[str, Any]] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > upload_limit("evisa"):
            form.add_error("file", _("The file is larger than 50 MB."))
        else:
            try:
                report = services.import_evisas(request.user, file_name=upload.name, content=upload.read())
                messages.success(request, _("%(rows)s e-visas imported (%(created)s new, %(updated)s updated).")
                                 % {"rows": report.rows, "created": report.created, "updated": report.updated})
                return redirect("permits:visas")
            except DomainError as exc:
                form.add_error(None, exc.message)
                errors = exc.details.get("errors", [])
    return render(request, "permits/import.html", {"form": form, "errors": errors,
                                                   "columns": services.EVISA_COLUMNS},
                  status=400 if request.method == "POST" else 200)


@permission_required("permits.view")
def bans(request: HttpRequest) -> HttpResponse:
    rows = list(EntryBan.objects.filter(lifted_at__isnull=True)[:500])
    identity = services.register_identities_visible(request.user)
    if identity:
        record_access(request, "page:entry_bans", "entry_ban", [b.pk for b in rows], services.holders_of(rows))
    return render(request, "permits/bans.html", {"bans": rows, "can_manage": _can_manage(request),
                                                 "identity": identity})


@permission_required("permits.manage")
@require_http_methods(["GET", "HEAD", "POST"])
def ban_new(request: HttpRequest) -> HttpResponse:
    return _model_form_view(request, BanForm(request.POST or None), services.impose_ban, _("Impose an entry ban"),
                            "permits:bans")


@permission_required("permits.manage")
@require_POST
def ban_lift(request: HttpRequest, ban_id: UUID) -> HttpResponse:
    ban = EntryBan.objects.filter(id=ban_id).first()
    if ban is None:
        raise NotFound(_("no entry ban %(ban_id)s") % {"ban_id": ban_id}, field="ban")
    try:
        services.lift_ban(request.user, ban, request.POST.get("reason", "").strip() or "lifted")
        messages.success(request, _("Entry ban lifted."))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("permits:bans")


@permission_required("permits.manage")
@require_http_methods(["GET", "HEAD", "POST"])
def extend(request: HttpRequest, traveller_id: UUID) -> HttpResponse:
    traveller = services.get_traveller(traveller_id)
    if traveller is None:
        raise NotFound(_("no traveller %(traveller_id)s") % {"traveller_id": traveller_id}, field="traveller")
    form = ExtensionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.grant_extension(request.user, traveller, **form.cleaned_data)
            messages.success(request, _("Stay extended."))
            return redirect("permits:overstays")
        except DomainError as exc:
            _form_error(form, exc)
    return render(request, "permits/form.html", {"form": form, "title": _("Extend the stay of %(name)s")
                                                 % {"name": traveller.full_name}},
                  status=400 if request.method == "POST" else 200)


def _filtered(request: HttpRequest) -> tuple[OverstayFilterForm, Any]:
    form = OverstayFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    if not request.GET:
        filters = {"status": "open"}
        form = OverstayFilterForm(initial=filters)
    rows = services.overstays_for(request.user, **filters)
    return form, rows


@permission_required("overstays.view")
def overstays(request: HttpRequest) -> HttpResponse:
    form, rows = _filtered(request)  # an unknown post: NotFound, the 404 page
    query = request.GET.urlencode() or "status=open"
    visible = services.identity_visible(request.user)
    shown = [(o, visible(o)) for o in rows[:500]]
    seen = [o for o, v in shown if v]
    record_access(request, "page:overstays", "overstay", [o.pk for o in seen], [o.traveller_id for o in seen])
    return render(request, "permits/overstays.html", {"form": form, "rows": shown, "total": rows.count(),
                                                      "query": query, "can_extend": _can_manage(request)})


class _Echo:
    def write(self, value: str) -> str:
        return value


@permission_required("overstays.view")
def overstays_csv(request: HttpRequest) -> HttpResponse:
    form, rows = _filtered(request)  # an unknown post: NotFound, the 404 page
    visible = services.identity_visible(request.user)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {"status": "open"}
    services.record_export(request.user, rows=rows.count(), filters=filters,
                           identities=bool(authz.post_scope(request.user, "identities.view")))
    writer = SafeWriter(_Echo())
    header = ["traveller_id", "surname", "given_names", "nationality", "birth_date", "post_of_entry", "entry_date",
              "permitted_until", "days_overstayed", "status", "detected_at", "ended_at"]

    def lines() -> Any:
        yield writer.writerow(header)
        for o in rows.iterator(chunk_size=2000):
            # Without identities access the row keeps its figures and loses who it is.
            who = ([o.traveller_id, o.traveller.primary_identifier, o.traveller.secondary_identifier]
                   if visible(o) else ["", "", ""])
            birth = (o.traveller.birth_date or "") if visible(o) else ""
            yield writer.writerow([*who, o.nationality, birth, o.border_post.code, o.entry_date,
                                   o.permitted_until, o.current_days, o.status, o.detected_at.isoformat(),
                                   o.ended_at.isoformat() if o.ended_at else ""])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="overstays.csv"'
    return response  # type: ignore[return-value]  # a streamed response is served like any other


@permission_required("overstays.view")
@require_POST
def detect(request: HttpRequest) -> HttpResponse:
    tasks.run_now()
    messages.success(request, _("Overstay detection queued: the list updates when the worker has run it."))
    return redirect("permits:overstays")
