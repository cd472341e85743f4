"""A traveller's history in one list: crossings, refusals, referrals and hits, newest first."""

from __future__ import annotations

from itertools import islice
from typing import Any

from django.db.models import QuerySet
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

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
        params = {"state": c.document.issuing_state, "last": c.document.number[-3:]}
        summary = _crossing_line(c.direction, c.decision) % params
        if c.reasons:
            params["reasons"] = ", ".join(c.reasons)
            summary += " " + _("(reasons %(reasons)s)") % params
        if c.permitted_until:
            params["until"] = c.permitted_until.isoformat()  # ISO for the API; the line in the reader's format
            summary += _(", permitted until %(until)s") % {"until": date_format(c.permitted_until, "SHORT_DATE_FORMAT")}
        events.append({"kind": f"crossing.{c.decision}", "at": c.at, "border_post": c.border_post.code,
                       "summary": summary, "code": f"timeline.crossing.{c.direction}.{c.decision}",
                       "params": params, "id": c.id})
    referrals = _in_posts(Referral.objects.filter(inspection__traveller=traveller), posts)
    for r in referrals.select_related("border_post")[:limit]:
        events.append({"kind": "referral", "at": r.referred_at, "border_post": r.border_post.code,
                       "summary": _("Referred to secondary: %(reason)s") % {"reason": r.reason},
                       "code": "timeline.referral", "params": {"reason": r.reason}, "id": r.id})
    inspections = (_in_posts(Inspection.objects.filter(traveller=traveller), posts).select_related("border_post")
                   .only("id", "created_at", "hits", "border_post__code").order_by("-created_at"))
    # The hits are sealed (not searchable in SQL): the inspections are read newest first, only their hits opened
    # (not the MRZ, the document or the checks), until ``limit`` of them had hits.
    with_hits = list(islice((i for i in inspections.iterator(chunk_size=200) if i.hits), limit))
    for i in with_hits:
        count = len(i.hits)
        events.append({"kind": "hits", "at": i.created_at, "border_post": i.border_post.code,
                       "summary": ngettext("%(count)d watchlist hit at inspection",
                                           "%(count)d watchlist hits at inspection", count) % {"count": count},
                       "code": "timeline.hits", "params": {"count": count}, "id": i.id})
    events.sort(key=lambda e: e["at"], reverse=True)
    # Whether the person is in the country is a fact of every post (it does not say where).
    return events, last_admission == "entry"


def _crossing_line(direction: str, decision: str) -> str:
    """The sentence of a crossing, whole, so that each language words it its own way (``%(state)s`` the issuing
    state, ``%(last)s`` the document number's last three characters)."""
    if decision == "refuse":
        if direction == "exit":
            return _("Exit refused on a %(state)s document …%(last)s")
        return _("Entry refused on a %(state)s document …%(last)s")
    if direction == "exit":
        return _("Exit allowed on a %(state)s document …%(last)s")
    return _("Entry admitted on a %(state)s document …%(last)s")
