"""The retention page: every rule with what the next run would delete (counts, oldest date, a bar chart) and the
legal holds, placed and lifted here by administrators and auditors."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from openbmis.accounts import authz
from openbmis.accounts.decorators import permission_required
from openbmis.audit.access import record_access
from openbmis.audit.refs import traveller_ref
from openbmis.core.errors import DomainError, InvalidInput
from openbmis.retention import services

BAR_WIDTH = 320  # pixels of the longest bar


def _chart(entries: list[Any]) -> list[dict[str, Any]]:
    largest = max([entry.total for entry in entries] + [1])
    return [{"rule": entry.rule.name, "label": entry.rule.label, "total": entry.total,
             "width": round(BAR_WIDTH * entry.total / largest), "y": 24 * n} for n, entry in enumerate(entries)]


@permission_required("retention.view")
def overview(request: HttpRequest) -> HttpResponse:
    status = 200
    form = {"traveller_id": "", "reason": "", "ends_on": ""}
    if request.method == "POST":
        form = {key: request.POST.get(key, "").strip() for key in form}
        ends_on = parse_date(form["ends_on"]) if form["ends_on"] else None
        try:
            if form["ends_on"] and ends_on is None:
                raise InvalidInput(_("The end date must be written YYYY-MM-DD."), field="ends_on")
            hold = services.place_hold(request.user, form["traveller_id"], form["reason"], ends_on)
            messages.success(request, _("Legal hold placed on traveller %(ref)s.") % {
                "ref": traveller_ref(hold.traveller_id)[:12]})
            return redirect("retention:overview")
        except DomainError as exc:
            messages.error(request, exc.message)
            status = 403 if exc.code == "forbidden" else 400
    entries = services.report(request.user)
    holds = list(services.holds(request.user)[:200])
    if holds:
        record_access(request, "page:retention", "legal_hold", [h.id for h in holds], [h.traveller_id for h in holds])
    return render(request, "retention/overview.html", {
        "entries": entries, "chart": _chart(entries), "chart_height": 24 * len(entries),
        "holds": [{"hold": h, "ref": traveller_ref(h.traveller_id)[:12]} for h in holds], "form": form,
        "may_manage": authz.has_permission(request.user, "retention.manage"),
    }, status=status)


@require_POST
@permission_required("retention.manage")
def lift(request: HttpRequest, hold_id: UUID) -> HttpResponse:
    try:
        services.lift_hold(request.user, hold_id, request.POST.get("reason", ""))
        messages.success(request, _("Legal hold lifted."))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("retention:overview")
