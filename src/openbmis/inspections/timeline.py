"""A traveller's history in one list: crossings, refusals, referrals and hits, newest first."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from openbmis.accounts.authz import AllPosts
from openbmis.inspections.models import Crossing, Inspection, Referral
from openbmis.travellers.models import Traveller


def _in_posts(queryset: QuerySet[Any], posts: Any) -> QuerySet[Any]:
    """Only the rows recorded at ``posts`` (a set of post ids; None or ALL_POSTS: every post)."""
    if posts is None or isinstance(posts, AllPosts):
        return queryset
    return queryset.filter(border_post__in=posts)


def visible_documents(traveller: Traveller, posts: Any = None) -> QuerySet[Any]:
    """The identity's documents that were presented at ``posts``: what an officer there may see of it."""
    documents = traveller.documents.all()
    if posts is None or isinstance(posts, AllPosts):
        return documents
    return documents.filter(inspections__border_post__in=posts).distinct()


def visible_crossings(traveller: Traveller, posts: Any = None) -> QuerySet[Any]:
    return _in_posts(Crossing.objects.filter(traveller=traveller), posts)


def history_elsewhere(traveller: Traveller, posts: Any = None) -> bool:
    """Whether the identity has records at posts outside ``posts`` (said, never shown)."""
    if posts is None or isinstance(posts, AllPosts):
        return False
    return Inspection.objects.filter(traveller=traveller).exclude(border_post__in=posts).exists()


def timeline(traveller: Traveller, limit: int = 200, posts: Any = None) -> tuple[list[dict[str, Any]], bool]:
    """Events newest first, and whether the traveller is in the country (last admission an entry).

    With ``posts`` (the reader's identities scope) only what was recorded at those posts is listed; linking
    an identity never opens its history at other posts (use history_elsewhere to say that there is some).
    """
    events: list[dict[str, Any]] = []
    everywhere = Crossing.objects.filter(traveller=traveller)
    last_admission = everywhere.filter(decision="admit").order_by("-at").values_list("direction", flat=True).first()
    crossings = list(_in_posts(everywhere, posts).select_related("border_post", "document").order_by("-at")[:limit])
    for c in crossings:
        verb = "refused" if c.decision == "refuse" else ("allowed" if c.direction == "exit" else "admitted")
        summary = f"{c.direction} {verb} on {c.document.issuing_state} document …{c.document.number[-3:]}"
        if c.reasons:
            summary += f" (reasons {', '.join(c.reasons)})"
        if c.permitted_until:
            summary += f", permitted until {c.permitted_until.isoformat()}"
        events.append({"kind": f"crossing.{c.decision}", "at": c.at, "border_post": c.border_post.code,
                       "summary": summary, "id": c.id})
    referrals = _in_posts(Referral.objects.filter(inspection__traveller=traveller), posts)
    for r in referrals.select_related("border_post")[:limit]:
        events.append({"kind": "referral", "at": r.referred_at, "border_post": r.border_post.code,
                       "summary": f"referred to secondary: {r.reason}", "id": r.id})
    hits = _in_posts(Inspection.objects.filter(traveller=traveller).exclude(hits=[]), posts)
    for i in hits.select_related("border_post")[:limit]:
        events.append({"kind": "hits", "at": i.created_at, "border_post": i.border_post.code,
                       "summary": f"{len(i.hits)} watchlist hit(s) at inspection", "id": i.id})
    events.sort(key=lambda e: e["at"], reverse=True)
    # Whether the person is in the country is a fact of every post (it does not say where).
    return events, last_admission == "entry"
