"""What waits for a user: the counts in the menu, the officer's home page and the supervisor's post dashboard.

Read-only queries, each limited to the posts where the user holds the permission that opens the work.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db.models import Count, QuerySet
from django.utils import timezone

from openbmis.accounts import authz
from openbmis.borderposts.models import BorderPost
from openbmis.inspections.models import Crossing, Inspection, Referral

# How far back an officer counts as on duty: an inspection in the last hours.
ON_DUTY_HOURS = 8


def _scoped(queryset: QuerySet[Any], user: Any, permission: str, field: str = "border_post_id") -> QuerySet[Any]:
    return authz.limit_to_scope(queryset, user, permission, field=field)


def counts(user: Any) -> dict[str, int]:
    """The menu's counts: my open inspections, the secondary queue, pending hits (only what the user may open)."""
    from openbmis.watchlists.models import Hit

    found: dict[str, int] = {}
    if authz.has_permission(user, "inspections.primary"):
        found["open"] = Inspection.objects.filter(officer_id=user.pk, status=Inspection.Status.OPEN).count()
    if authz.has_permission(user, "inspections.secondary"):
        found["queue"] = _scoped(Referral.objects.filter(status=Referral.Status.WAITING), user,
                                 "inspections.secondary").count()
    if authz.has_permission(user, "hits.adjudicate"):
        found["hits"] = _scoped(Hit.objects.filter(status=Hit.Status.PENDING), user, "hits.adjudicate").count()
    return found


def officer_home(user: Any) -> dict[str, Any]:
    """The officer's own open inspections, beside the counts."""
    mine = (Inspection.objects.filter(officer_id=user.pk, status=Inspection.Status.OPEN)
            .select_related("traveller", "border_post").order_by("-created_at")[:20])
    return {"counts": counts(user), "open_inspections": list(mine)}


def supervised_posts(user: Any) -> list[BorderPost]:
    """The posts a supervisor oversees (a national supervisor: every active post)."""
    held = list(user.role_assignments.filter(role=authz.Role.SUPERVISOR).values_list("border_post_id", flat=True))
    if not held:
        return []
    posts = BorderPost.objects.filter(status=BorderPost.Status.ACTIVE).order_by("code")
    return list(posts if None in held else posts.filter(id__in=held))


OVERRIDE_REVIEW_DAYS = 7


def post_dashboard(post: BorderPost) -> dict[str, Any]:
    """One post at a glance: queues, pending hits, open inspections, officers on duty, today's throughput by lane."""
    from openbmis.watchlists import services as watchlist_services
    from openbmis.watchlists.models import Hit

    now = timezone.now()
    today = timezone.localdate(now, timezone=_zone(post))
    throughput = (Crossing.objects.filter(border_post=post, local_date=today)
                  .values("lane_code", "direction", "decision").annotate(n=Count("id"))
                  .order_by("lane_code", "direction", "decision"))
    on_duty = (Inspection.objects.filter(border_post=post, created_at__gte=now - timedelta(hours=ON_DUTY_HOURS))
               .values("officer__username").annotate(n=Count("id")).order_by("officer__username"))
    return {
        "post": post,
        "queue": Referral.objects.filter(border_post=post, status=Referral.Status.WAITING).count(),
        "pending_hits": Hit.objects.filter(border_post=post, status=Hit.Status.PENDING).count(),
        "open_inspections": Inspection.objects.filter(border_post=post, status=Inspection.Status.OPEN).count(),
        "on_duty": list(on_duty),
        "throughput": list(throughput),
        "today": today,
        # admissions over a blocking check or against the suggestion, for the supervisor to review
        "overrides": list(Crossing.objects.filter(border_post=post, at__gte=now - timedelta(days=OVERRIDE_REVIEW_DAYS))
                          .exclude(overridden=[]).select_related("officer", "traveller").order_by("-at")[:20]),
        # one traveller and one listed entry judged both "match" and "no match": one of them is wrong
        "contradictions": watchlist_services.contradicting_judgements(post),
    }


def _zone(post: BorderPost) -> Any:
    from zoneinfo import ZoneInfo

    return ZoneInfo(post.time_zone)
