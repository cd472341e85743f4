"""Watchlists in the UI: lists and their versions, import with preview, commit and progress (administrators);
the hit queue with explanations and the judgement form (secondary officers, supervisors); ad-hoc search."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from openbmis.accounts import authz
from openbmis.accounts.decorators import permission_required
from openbmis.audit.access import record_access
from openbmis.core.errors import AccessDenied, DomainError, NotFound
from openbmis.core.uploads import megabytes, upload_limit
from openbmis.inspections.checks import HitRecord
from openbmis.watchlists import services, tasks
from openbmis.watchlists.forms import (
    ImportForm,
    JudgementForm,
    SearchForm,
    WatchlistForm,
    WatchlistSettingsForm,
)
from openbmis.watchlists.models import DocumentAlert, Hit, Watchlist, WatchlistEntry


@permission_required("watchlists.view")
def watchlist_list(request: HttpRequest) -> HttpResponse:
    lists = Watchlist.objects.annotate(
        persons=Count("entries", filter=Q(entries__version_removed__isnull=True)),
        documents=Count("document_alerts", filter=Q(document_alerts__version_removed__isnull=True)),
    )
    context = {"lists": lists, "can_manage": authz.has_permission(request.user, "watchlists.manage")}
    return render(request, "watchlists/list.html", context)


@permission_required("watchlists.manage")
@require_http_methods(["GET", "HEAD", "POST"])
def watchlist_new(request: HttpRequest) -> HttpResponse:
    form = WatchlistForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            watchlist = services.create_watchlist(request.user, **form.cleaned_data)
            messages.success(request, _("Watchlist created: import its first version."))
            return redirect("watchlists:import", watchlist_id=watchlist.id)
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
    return render(request, "watchlists/new.html", {"form": form}, status=400 if request.method == "POST" else 200)


@permission_required("watchlists.view")
@require_http_methods(["GET", "HEAD", "POST"])
def watchlist_detail(request: HttpRequest, watchlist_id: UUID) -> HttpResponse:
    watchlist = services.get_watchlist(watchlist_id)  # NotFound: the 404 page (core.middleware.PageErrorsMiddleware)
    can_manage = authz.has_permission(request.user, "watchlists.manage")
    form = WatchlistSettingsForm(request.POST or None, instance=watchlist)
    if request.method == "POST":
        if not can_manage:
            raise AccessDenied(_("changing a watchlist is for its administrators"), field="watchlist")
        if form.is_valid():
            try:
                services.update_watchlist(request.user, watchlist, **form.cleaned_data)
                messages.success(request, _("Settings saved."))
                return redirect("watchlists:detail", watchlist_id=watchlist.id)
            except DomainError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        watchlist.refresh_from_db()
    query = request.GET.get("q", "").strip()
    show_removed = request.GET.get("removed") == "1"
    if watchlist.kind == Watchlist.Kind.DOCUMENTS:
        rows: Any = DocumentAlert.objects.filter(watchlist=watchlist)
        if query:
            rows = services.alerts_with_number(rows, query)
    else:
        rows = WatchlistEntry.objects.filter(watchlist=watchlist).defer("data")
        if query:
            rows = rows.filter(Q(name__icontains=query) | Q(aliases__icontains=query) | Q(external_id=query))
    if not show_removed:
        rows = rows.filter(version_removed__isnull=True)
    context = {
        "watchlist": watchlist, "form": form, "can_manage": can_manage, "rows": rows[:200], "query": query,
        "show_removed": show_removed, "imports": watchlist.imports.defer("content")[:50],
    }
    return render(request, "watchlists/detail.html", context, status=400 if request.method == "POST" else 200)


@permission_required("watchlists.manage")
@require_http_methods(["GET", "HEAD", "POST"])
def import_upload(request: HttpRequest, watchlist_id: UUID) -> HttpResponse:
    watchlist = services.get_watchlist(watchlist_id)  # NotFound: the 404 page (core.middleware.PageErrorsMiddleware)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > upload_limit("watchlist"):
            form.add_error("file", _("The file is larger than %(n)d MB.") % {"n": megabytes("watchlist")})
        else:
            try:
                record = services.start_import(request.user, watchlist, file_name=upload.name,
                                               content=upload.read(), channel="web")
                tasks.preview_import_job.enqueue(str(record.id))
                return redirect("watchlists:import_detail", import_id=record.id)
            except DomainError as exc:
                form.add_error("file", exc.message)
    return render(request, "watchlists/import.html", {"form": form, "watchlist": watchlist},
                  status=400 if request.method == "POST" else 200)


@permission_required("watchlists.view")
def import_detail(request: HttpRequest, import_id: UUID) -> HttpResponse:
    record = services.get_import(import_id)  # NotFound: the 404 page (core.middleware.PageErrorsMiddleware)
    context = {"record": record, "watchlist": record.watchlist,
               "can_manage": authz.has_permission(request.user, "watchlists.manage")}
    return render(request, "watchlists/import_detail.html", context)


@permission_required("watchlists.manage")
@require_POST
def import_commit(request: HttpRequest, import_id: UUID) -> HttpResponse:
    try:
        record = services.get_import(import_id)
        services.request_commit(request.user, record)
        tasks.commit_import_job.enqueue(str(record.id), str(request.user.pk))
        messages.success(request, _("Commit requested: the background worker applies it as one version."))
    except NotFound:
        raise  # the 404 page
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("watchlists:import_detail", import_id=import_id)


# ----------------------------------------------------------------------------------------------- hits
@permission_required("hits.adjudicate")
def hit_queue(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "pending")
    if status not in (*Hit.Status.values, "all"):
        status = "pending"
    hits = list(services.hits_for(request.user, status=None if status == "all" else status))
    record_access(request, "page:hit_queue", "hit", [h.pk for h in hits], [h.traveller_id for h in hits])
    now = timezone.now()
    rows = [{"hit": h, "waiting_minutes": int((now - h.created_at).total_seconds() // 60)} for h in hits]
    return render(request, "watchlists/hits.html",
                  {"rows": rows, "status": status, "statuses": [*Hit.Status.choices, ("all", _("All"))]})


@permission_required("hits.adjudicate")
@require_http_methods(["GET", "HEAD", "POST"])
def hit_detail(request: HttpRequest, hit_id: UUID) -> HttpResponse:
    hit = services.get_hit(hit_id)  # NotFound: the 404 page (core.middleware.PageErrorsMiddleware)
    if not authz.has_permission(request.user, "hits.adjudicate", hit.border_post_id):
        raise AccessDenied(_("this hit is at a post where you do not work the hit queue"), field="hit")
    form = JudgementForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.judge_hit(request.user, hit, status=form.cleaned_data["status"],
                               reason=form.cleaned_data["reason"])
            messages.success(request, _("Judgement recorded."))
            if request.GET.get("back") == "inspection" and hit.inspection_id:
                # opened from the referral (the inspection page): the officer goes back there
                return redirect("inspections:detail", inspection_id=hit.inspection_id)
            return redirect("watchlists:hits")
        except AccessDenied:
            raise  # the 403 page
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
    listed = hit.entry or hit.document_alert
    record_access(request, "page:hit", "hit", [hit.pk], [hit.traveller_id])
    context = {"hit": hit, "form": form, "listed": listed,
               "features": hit.data.get("explanation", {}).get("features", [])}
    return render(request, "watchlists/hit.html", context, status=400 if request.method == "POST" else 200)


@permission_required("screening.search")
def search(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET or None)
    hits: list[HitRecord] | None = None
    if request.GET and form.is_valid():
        data = form.cleaned_data
        try:
            hits = services.search(request.user, name=data["name"], birth_date=data["birth_date"] or None,
                                   nationality=data["nationality"], sex=data["sex"], document=data["document"],
                                   issuing_state=data["issuing_state"])
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
    return render(request, "watchlists/search.html", {"form": form, "hits": hits})
