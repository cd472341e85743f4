"""Navigation built from the user's permissions: people see only what they may open."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from openbmis.accounts import authz

# (url name, label, permission or None for every logged-in user)
NAVIGATION = [
    ("home", _("Home"), None),
    ("inspections:counter", _("Counter"), "inspections.primary"),
    ("inspections:queue", _("Secondary"), "inspections.secondary"),
    ("travellers:search", _("Travellers"), "identities.view"),
    ("watchlists:hits", _("Hits"), "hits.adjudicate"),
    ("watchlists:search", _("Screening"), "screening.search"),
    ("documents:queue", _("Examinations"), "documents.examine"),
    ("manifests:list", _("Manifests"), "manifests.view"),
    ("manifests:queue", _("Pre-arrival"), "prearrival.adjudicate"),
    ("permits:rules", _("Visas"), "permits.view"),
    ("permits:overstays", _("Overstays"), "overstays.view"),
    ("statistics:dashboard", _("Statistics"), "statistics.view"),
    ("borderposts:list", _("Border posts"), "borderposts.view"),
    ("accounts:users", _("Users"), "accounts.manage"),
    ("audit:search", _("Audit trail"), "audit.view"),
    ("retention:overview", _("Retention"), "retention.view"),
    ("trust:list", _("Trust store"), "trust.view"),
    ("watchlists:list", _("Watchlists"), "watchlists.view"),
    ("capacity:overview", _("Capacity"), "capacity.view"),
    ("capacity:training", _("Training"), "training.view"),
    ("accounts:tokens", _("API tokens"), None),
    ("network:nodes", _("Nodes"), "network.view"),
]


# Menu entries for headquarters only: at a border-post node these pages are refused (docs/sync.md).
HQ_ONLY = {"network:nodes"}

# Menu entries that show a count of waiting work (inspections.work.counts), refreshed by menu.js.
COUNTED = {"inspections:counter": "open", "inspections:queue": "queue", "watchlists:hits": "hits"}


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": [], "user_roles": []}
    from openbmis.core import installation

    at_hq = installation.is_hq()
    items = [
        {"url": reverse(url), "label": label, "active": request.path == reverse(url), "count": COUNTED.get(url)}
        for url, label, perm in NAVIGATION
        if (perm is None or authz.has_permission(user, perm)) and (at_hq or url not in HQ_ONLY)
    ]
    assignments = user.role_assignments.select_related("border_post")
    user_roles = [
        {"role": authz.Role(a.role).label, "post": a.border_post.code if a.border_post else None} for a in assignments
    ]
    return {"nav_items": items, "user_roles": user_roles}
