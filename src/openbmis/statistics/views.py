"""Statistics in the UI: the dashboard, a panel's table (with CSV and XLSX exports), monthly reports."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from openbmis.accounts import authz
from openbmis.accounts.decorators import permission_required
from openbmis.borderposts.models import BorderPost
from openbmis.core.errors import AccessDenied, DomainError, NotFound
from openbmis.statistics import compliance, exports, panels, queries, reports, services
from openbmis.statistics.models import MonthlyReport, RollupState


def _posts_in_scope(request: HttpRequest) -> list[BorderPost]:
    scope = authz.post_scope(request.user, "statistics.view")
    posts = BorderPost.objects.all()
    if not isinstance(scope, authz.AllPosts):
        posts = posts.filter(id__in=scope)
    return list(posts)


def _error(request: HttpRequest, template: str, exc: DomainError, context: dict[str, Any]) -> HttpResponse:
    status = 403 if isinstance(exc, AccessDenied) else 404 if isinstance(exc, NotFound) else 400
    return render(request, template, {**context, "error": exc.message}, status=status)


def _notes(filters: queries.Filters, table: queries.Table) -> list[str]:
    posts = ", ".join(p.code for p in filters.posts) or _("all posts in your scope")
    notes = [
        _("Period: %(start)s to %(end)s (local days at the posts).") % {"start": filters.start, "end": filters.end},
        _("Border posts: %(posts)s.") % {"posts": posts},
        _("Arrivals: admitted entries; departures: admitted exits; refusals: refused entries and exits."),
        _("Definitions: docs/statistics.md."),
    ]
    if filters.direction:
        notes.append(_("Direction: %(d)s only.") % {"d": filters.direction})
    if filters.nationalities:
        notes.append(_("Citizenship: %(n)s.") % {"n": ", ".join(filters.nationalities)})
    if filters.document_code:
        notes.append(_("Document type: %(d)s.") % {"d": filters.document_code})
    if filters.suppress:
        notes.append(_("Counts from 1 to %(n)s are shown as <%(m)s (%(k)s cells suppressed).")
                     % {"n": filters.min_cell - 1, "m": filters.min_cell, "k": table.suppressed})
        notes.append(_("Other counts and the totals are rounded to the nearest multiple of %(m)s, so rows may "
                       "not add up to the total.") % {"m": filters.min_cell})
    return notes


@permission_required("statistics.view")
def dashboard(request: HttpRequest) -> HttpResponse:
    posts = _posts_in_scope(request)
    interval = request.GET.get("interval", "day")
    context: dict[str, Any] = {"posts": posts, "params": request.GET, "interval": interval,
                               "intervals": [("day", _("Day")), ("week", _("Week")), ("month", _("Month"))]}
    try:
        filters = queries.parse_filters(request.user, request.GET)
        data = {name: _panel_payload(panel, filters, interval) for name, panel in panels.available().items()}
        comparison = queries.comparison(filters)
    except DomainError as exc:
        return _error(request, "statistics/dashboard.html", exc, context)
    kpis = []
    current_totals = comparison["current"] or {}
    for measure in ("entries", "exits", "refusals"):
        current = current_totals.get(measure)
        kpi: dict[str, Any] = {"label": queries.MEASURE_LABELS[measure], "value": panels.cell(current, filters),
                               "measure": measure}
        for name, change in (("previous", "change"), ("last_year", "change_year")):
            before = comparison[name]
            if before is None:
                kpi[name], kpi[change] = _("no complete records"), ""
            else:
                kpi[name] = panels.cell(before[measure], filters)
                kpi[change] = _change(current, before[measure])
        kpis.append(kpi)
    state = RollupState.objects.filter(id=1).first()
    context.update({
        "filters": filters, "data": data, "kpis": kpis, "state": state,
        "net": panels.net(current_totals),
        "show_net": not filters.direction,  # with one direction chosen, a net flow would mislead
        "previous": filters.previous_period(), "last_year": filters.last_year(),
        "labels": {"net": str(queries.MEASURE_LABELS["net"]), "empty": _("Nothing recorded for these filters."),
                   "hidden": _("Every count here is below the threshold and hidden; see the table.")},
        "panels": [{"name": name, "title": panel.title, "table_url": data[name]["table_url"],
                    "suppressed": data[name]["suppressed"]}
                   for name, panel in panels.available().items()],
        "overstays_available": "overstays" in panels.available(),
    })
    context["compliance"] = _compliance_section(filters)
    return render(request, "statistics/dashboard.html", context)


def _compliance_section(filters: queries.Filters) -> dict[str, Any] | None:
    """Carriers' compliance with advance passenger information (when the manifests capability is installed)."""
    if not compliance.available():
        return None
    table = compliance.carrier_table(filters)
    rows = compliance.rows(table, filters)
    return {"title": str(compliance.TITLE), "headers": compliance.headers(), "rows": rows[:-1], "total": rows[-1],
            "suppressed": table.suppressed}


def _change(current: int | None, before: int | None) -> str:
    if current is None or before is None or before == 0:
        return ""
    return f"{(current - before) / before * 100:+.1f} %"


def _table_url(name: str, filters: queries.Filters, interval: str) -> str:
    query = {**filters.as_query(), "interval": interval}
    return f"{reverse('statistics:table', args=[name])}?{urlencode(query)}"


def _panel_payload(panel: panels.Panel, filters: queries.Filters, interval: str) -> dict[str, Any]:
    table = panels.panel_table(panel, filters, interval)
    return {
        "title": str(panel.title), "chart": panel.chart, "table_url": _table_url(panel.name, filters, interval),
        "measures": table.measures, "measure_labels": [str(queries.MEASURE_LABELS[m]) for m in table.measures],
        "labels": [panels.row_label(table, key) for key, _v in table.rows],
        "series": {m: [values[m] for _k, values in table.rows] for m in table.measures},
        "suppressed": table.suppressed,
    }


@permission_required("statistics.view")
def table(request: HttpRequest, panel: str) -> HttpResponse:
    interval = request.GET.get("interval", "day")
    context: dict[str, Any] = {"panel_name": panel}
    try:
        chosen = panels.get_panel(panel)
        filters = queries.parse_filters(request.user, request.GET)
        data = panels.panel_table(chosen, filters, interval)
    except DomainError as exc:
        return _error(request, "statistics/table.html", exc, context)
    headers = panels.headers(data, filters)
    rows = panels.table_rows(data, filters)
    notes = _notes(filters, data)
    export = request.GET.get("format", "")
    filename = f"openbmis-{panel}-{filters.start}-{filters.end}"
    if export in {"csv", "xlsx"}:
        services.record_export(request.user, panel=panel, file_format=export, query=filters.as_query(),
                               rows=len(rows) - 1, suppressed=data.suppressed)
    if export == "csv":
        response = HttpResponse(exports.to_csv(panel, headers, rows, notes), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
        return response
    if export == "xlsx":
        response = HttpResponse(
            exports.to_xlsx(panel, headers, rows, notes),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
        return response
    query = {**filters.as_query(), "interval": interval}
    context.update({
        "panel": chosen, "filters": filters, "headers": headers, "rows": rows[:-1], "total": rows[-1],
        "notes": notes, "csv_url": f"?{urlencode({**query, 'format': 'csv'})}",
        "xlsx_url": f"?{urlencode({**query, 'format': 'xlsx'})}",
        "back_url": f"{reverse('statistics:dashboard')}?{urlencode(query)}",
    })
    return render(request, "statistics/table.html", context)


@permission_required("statistics.view")
def report(request: HttpRequest) -> HttpResponse:
    """The monthly report: generated on demand (``?month=YYYY-MM``), and the ones made on schedule."""
    posts = _posts_in_scope(request)
    scope = authz.post_scope(request.user, "statistics.view")
    stored = MonthlyReport.objects.select_related("border_post")
    if not isinstance(scope, authz.AllPosts):
        stored = stored.filter(border_post__in=scope)
    last_month = (date.today().replace(day=1) - timedelta(days=1)).strftime("%Y-%m")
    context: dict[str, Any] = {"posts": posts, "stored": stored[:24], "last_month": last_month,
                               "params": request.GET}
    month = request.GET.get("month")
    if not month:
        return render(request, "statistics/report.html", context)
    try:
        pdf, name = reports.on_demand(request.user, month, request.GET.get("border_post") or None)
    except DomainError as exc:
        return _error(request, "statistics/report.html", exc, context)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@permission_required("statistics.view")
def report_download(request: HttpRequest, report_id: int) -> HttpResponse:
    stored = MonthlyReport.objects.select_related("border_post").filter(id=report_id).first()
    if stored is None:
        raise NotFound(_("no such report"), field="report")
    if stored.border_post is not None:
        allowed = authz.has_permission(request.user, "statistics.view", stored.border_post.id)
    else:
        allowed = isinstance(authz.post_scope(request.user, "statistics.view"), authz.AllPosts)
    if not allowed:
        raise AccessDenied(_("this report covers posts outside your scope"), field="report")
    response = HttpResponse(bytes(stored.pdf), content_type="application/pdf")
    where = stored.border_post.code if stored.border_post else "national"
    response["Content-Disposition"] = f'attachment; filename="openbmis-{stored.month:%Y-%m}-{where}.pdf"'
    return response
