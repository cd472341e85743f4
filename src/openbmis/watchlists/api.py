"""Watchlist endpoints: ad-hoc screening search, the lists, the hit queue and judgements."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal
from uuid import UUID

from django.http import HttpRequest
from ninja import Router, Schema
from pydantic import Field

from openbmis import screening as engine
from openbmis.accounts import authz
from openbmis.accounts.api_auth import token_of
from openbmis.borderposts import services as borderposts
from openbmis.watchlists import services
from openbmis.watchlists.models import Hit, Watchlist

router = Router(tags=["watchlists"])


class SearchIn(Schema):
    name: str = Field(default="", max_length=300, description="a person's or entity's name, any script, any order")
    birth_date: str | None = Field(default=None, max_length=40,
                                   description="YYYY-MM-DD, YYYY-MM, YYYY, '1960 to 1962', 'circa 1970'")
    nationality: str = Field(default="", max_length=60, description="ISO 3166 / ICAO code or English name")
    sex: Literal["", "M", "F", "X", "male", "female"] = ""
    document: str = Field(default="", max_length=40, description="a document number (also looked up on the "
                                                                 "lists of stolen and lost documents)")
    issuing_state: str = Field(default="", max_length=3, description="the document's issuing state")
    limit: int = Field(default=10, ge=1, le=50)
    threshold: float | None = Field(default=None, gt=0, le=1, description="overrides each list's threshold")


class SearchOut(Schema):
    algorithm: str
    version: str
    hits: list[dict[str, Any]] = Field(description="best first; each with `entry_id`, `list`, `name`, `score`, "
                                                   "`explanation` (features: what matched what, contribution) "
                                                   "and `explanation_text`")


@router.post("/screening/search", response=SearchOut, summary="Screen a name (and document) against the lists")
def search(request: HttpRequest, payload: SearchIn) -> dict[str, Any]:
    """Ranked, explained hits from every active list, as an inspection would find them.

    Example: `{"name": "Joseph Kamau", "birth_date": "1980-03-14", "nationality": "KEN"}`.
    A document number is also looked up, exactly and with look-alike characters (O/0, I/1), on the lists of
    stolen, lost, revoked and invalidated documents. The search is recorded in the audit trail (hashed).
    """
    hits = services.search(
        request.user, name=payload.name, birth_date=payload.birth_date, nationality=payload.nationality,
        sex=payload.sex, document=payload.document, issuing_state=payload.issuing_state, limit=payload.limit,
        threshold=payload.threshold, token=token_of(request),
    )
    return {"algorithm": engine.ALGORITHM, "version": engine.VERSION, "hits": hits}


class WatchlistOut(Schema):
    id: UUID
    name: str
    kind: str
    owner: str
    purpose: str
    threshold: float
    retention_days: int | None
    active: bool
    version: int
    entries: int


@router.get("/watchlists", response=list[WatchlistOut], summary="The watchlists with their current version")
def list_watchlists(request: HttpRequest) -> list[dict[str, Any]]:
    authz.require(request.user, "watchlists.view", token=token_of(request))
    out = []
    for w in Watchlist.objects.all():
        related = w.document_alerts if w.kind == Watchlist.Kind.DOCUMENTS else w.entries
        out.append({**{f: getattr(w, f) for f in ("id", "name", "kind", "owner", "purpose", "threshold",
                                                  "retention_days", "active", "version")},
                    "entries": related.filter(version_removed__isnull=True).count()})
    return out


class PreviousNoMatch(Schema):
    by: str
    at: datetime
    reason: str


class HitOut(Schema):
    id: UUID
    source: str
    border_post: str
    inspection_id: UUID | None
    traveller_id: UUID
    watchlist: str
    entry_id: UUID | None
    document_alert_id: UUID | None
    name: str
    score: float
    algorithm: str
    algorithm_version: str
    explanation: dict[str, Any]
    explanation_text: str
    created_at: datetime
    status: str
    reason: str
    judged_by: str | None
    judged_at: datetime | None
    previous_no_match: PreviousNoMatch | None


def hit_out(hit: Hit) -> dict[str, Any]:
    memory = hit.previous_no_match
    return {
        "id": hit.id, "source": hit.source, "border_post": hit.border_post.code, "inspection_id": hit.inspection_id,
        "traveller_id": hit.traveller_id, "watchlist": hit.watchlist.name, "entry_id": hit.entry_id,
        "document_alert_id": hit.document_alert_id, "name": hit.name, "score": hit.score,
        "algorithm": hit.algorithm, "algorithm_version": hit.algorithm_version,
        "explanation": hit.data.get("explanation", {}), "explanation_text": hit.data.get("explanation_text", ""),
        "created_at": hit.created_at, "status": hit.status, "reason": hit.reason,
        "judged_by": hit.judged_by.get_username() if hit.judged_by else None, "judged_at": hit.judged_at,
        "previous_no_match": {"by": memory.judged_by_label, "at": memory.judged_at, "reason": memory.reason}
        if memory else None,
    }


@router.get("/hits", response=list[HitOut], summary="The hit queue of a post (oldest first)")
def list_hits(request: HttpRequest, border_post: str,
              status: Literal["pending", "match", "no_match", "unsure", "all"] = "pending") -> list[dict[str, Any]]:
    """Hits from inspections and alerts from retroactive screening, for secondary officers and supervisors."""
    post = borderposts.get_post(border_post)
    hits = services.hits_for(request.user, border_post=post, status=None if status == "all" else status,
                             token=token_of(request))
    return [hit_out(h) for h in hits]


class JudgementIn(Schema):
    status: Literal["match", "no_match", "unsure"]
    reason: str = Field(min_length=1, max_length=2000)


@router.post("/hits/{hit_id}/judgement", response=HitOut, summary="Judge a hit: match, no match or unsure")
def judge(request: HttpRequest, hit_id: UUID, payload: JudgementIn) -> dict[str, Any]:
    """A reason is required. A judgement decides nothing about the traveller: the officer still admits, refuses
    or refers. A "no match" is remembered for this traveller and entry and shown beside later hits."""
    hit = services.get_hit(hit_id)
    hit = services.judge_hit(request.user, hit, status=payload.status, reason=payload.reason,
                             token=token_of(request))
    return hit_out(services.get_hit(hit.id))
