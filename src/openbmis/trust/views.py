"""The trust store in the UI, for administrators: list, detail, import (with its report), expire, remove."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from openbmis.accounts import authz
from openbmis.accounts.decorators import permission_required
from openbmis.core.errors import DomainError
from openbmis.core.uploads import megabytes, upload_limit
from openbmis.trust import services
from openbmis.trust.forms import ImportForm, StatusChangeForm
from openbmis.trust.models import TrustEntry, TrustImport

# An uploaded file above this size is refused before it is read (the ICAO PKD DSC LDIF is ~30 MB).


@permission_required("trust.view")
def entry_list(request: HttpRequest) -> HttpResponse:
    entries = TrustEntry.objects.defer("der")
    filters = {name: request.GET.get(name, "").strip() for name in ("kind", "status", "country")}
    if filters["kind"]:
        entries = entries.filter(kind=filters["kind"])
    if filters["status"]:
        entries = entries.filter(status=filters["status"])
    if filters["country"]:
        entries = entries.filter(country=filters["country"].upper())
    context = {
        "entries": entries[:500], "filters": filters, "kinds": TrustEntry.Kind.choices,
        "statuses": TrustEntry.Status.choices, "can_manage": authz.has_permission(request.user, "trust.manage"),
    }
    return render(request, "trust/list.html", context)


@permission_required("trust.view")
def entry_detail(request: HttpRequest, entry_id: UUID) -> HttpResponse:
    entry = services.get_entry(entry_id)  # NotFound: the 404 page (core.middleware.PageErrorsMiddleware)
    context = {"entry": entry, "can_manage": authz.has_permission(request.user, "trust.manage"),
               "form": StatusChangeForm()}
    return render(request, "trust/detail.html", context)


def _change(request: HttpRequest, entry_id: UUID, expire: bool) -> HttpResponse:
    entry = services.get_entry(entry_id)  # NotFound: the 404 page (core.middleware.PageErrorsMiddleware)
    form = StatusChangeForm(request.POST)
    if form.is_valid():
        try:
            if expire:
                services.expire_entry(request.user, entry, reason=form.cleaned_data["reason"])
                messages.success(request, _("Entry marked expired: it is no longer trusted."))
            else:
                services.remove_entry(request.user, entry, reason=form.cleaned_data["reason"])
                messages.success(request, _("Entry removed: it is no longer trusted."))
            return redirect("trust:detail", entry_id=entry.id)
        except DomainError as exc:
            form.add_error(None, exc.message)
    context = {"entry": entry, "can_manage": True, "form": form}
    return render(request, "trust/detail.html", context, status=400)


@permission_required("trust.manage")
@require_POST
def entry_expire(request: HttpRequest, entry_id: UUID) -> HttpResponse:
    return _change(request, entry_id, expire=True)


@permission_required("trust.manage")
@require_POST
def entry_remove(request: HttpRequest, entry_id: UUID) -> HttpResponse:
    return _change(request, entry_id, expire=False)


@permission_required("trust.manage")
@require_http_methods(["GET", "HEAD", "POST"])
def import_upload(request: HttpRequest) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > upload_limit("trust"):
            form.add_error("file", _("The file is larger than %(n)d MB.") % {"n": megabytes("trust")})
        else:
            try:
                record = services.import_file(request.user, file_name=upload.name, data=upload.read(),
                                              channel="web", pin_signers=form.cleaned_data["pin_signers"])
                messages.success(
                    request,
                    _("%(added)d added, %(rejected)d rejected.")
                    % {"added": record.added_count, "rejected": record.rejected_count},
                )
                return redirect("trust:import_detail", import_id=record.id)
            except DomainError as exc:
                form.add_error("file", exc.message)
    status = 400 if request.method == "POST" else 200
    return render(request, "trust/import.html", {"form": form}, status=status)


@permission_required("trust.view")
def import_list(request: HttpRequest) -> HttpResponse:
    context = {"imports": TrustImport.objects.all()[:200],
               "can_manage": authz.has_permission(request.user, "trust.manage")}
    return render(request, "trust/imports.html", context)


@permission_required("trust.view")
def import_detail(request: HttpRequest, import_id: UUID) -> HttpResponse:
    record = services.get_import(import_id)  # NotFound: the 404 page
    context = {"record": record, "can_manage": authz.has_permission(request.user, "trust.manage")}
    return render(request, "trust/import_detail.html", context)
