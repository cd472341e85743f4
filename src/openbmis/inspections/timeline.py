"""A traveller's history in one list: crossings, refusals, referrals and hits, newest first."""

from __future__ import annotations

from typing import Any

from openbmis.inspections.models import Crossing, Inspection, Referral
from openbmis.travellers.models import Traveller


def timeline(traveller: Traveller, limit: int = 200) -> tuple[list[dict[str, Any]], bool]:
    """Events newest first, and whether the traveller is in the country (last admission an entry)."""
    events: list[dict[str, Any]] = []
    crossings = list(
        Crossing.objects.filter(traveller=traveller).select_related("border_post", "document").order_by("-at")[:limit]
    )
    for c in crossings:
        verb = "refused" if c.decision == "refuse" else ("allowed" if c.direction == "exit" else "admitted")
        summary = f"{c.direction} {verb} on {c.document.issuing_state} document …{c.document.number[-3:]}"
        if c.reasons:
            summary += f" (reasons {', '.join(c.reasons)})"
        if c.permitted_until:
            summary += f", permitted until {c.permitted_until.isoformat()}"
        events.append({"kind": f"crossing.{c.decision}", "at": c.at, "border_post": c.border_post.code,
                       "summary": summary, "id": c.id})
    for r in Referral.objects.filter(inspection__traveller=traveller).select_related("border_post")[:limit]:
        events.append({"kind": "referral", "at": r.referred_at, "border_post": r.border_post.code,
                       "summary": f"referred to secondary: {r.reason}", "id": r.id})
    for i in Inspection.objects.filter(traveller=traveller).exclude(hits=[]).select_related("border_post")[:limit]:
        events.append({"kind": "hits", "at": i.created_at, "border_post": i.border_post.code,
                       "summary": f"{len(i.hits)} watchlist hit(s) at inspection", "id": i.id})
    events.sort(key=lambda e: e["at"], reverse=True)
    admitted = [c for c in crossings if c.decision == "admit"]
    in_country = bool(admitted) and admitted[0].direction == "entry"
    return events, in_country
