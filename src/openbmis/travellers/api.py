"""Travellers over REST: a traveller's record with their documents and timeline (what the caller's posts
recorded), and the rectification of their identity data (requested by one person, decided by another)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal
from uuid import UUID

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from pydantic import Field

from openbmis.accounts import authz
from openbmis.accounts.api_auth import token_of
from openbmis.audit.access import record_access
from openbmis.core.errors import NotFound
from openbmis.inspections.timeline import history_elsewhere, timeline, visible_documents
from openbmis.travellers import rectifications
from openbmis.travellers.models import Rectification, TravelDocument, Traveller

router = Router(tags=["travellers"])


class TravellerRef(Schema):
    id: UUID
    primary_identifier: str
    secondary_identifier: str
    birth_date: date | None
    nationality: str
    sex: str


class DocumentRef(Schema):
    id: UUID
    document_code: str
    issuing_state: str
    number: str
    expiry_date: date | None
    link_confidence: float


class TimelineEvent(Schema):
    kind: str
    at: datetime
    border_post: str
    summary: str = Field(description="the event in the request's language")
    code: str = Field(description="the summary's message code, the same in every language")
    params: dict[str, str | int] = Field(description="the values the summary is made of")
    id: UUID


class TravellerOut(TravellerRef):
    documents: list[DocumentRef] = Field(description="the documents presented at your posts")
    in_country: bool
    timeline: list[TimelineEvent] = Field(description="what was recorded at your posts")
    history_elsewhere: bool = Field(description="records at posts outside your scope exist (not shown)")


def traveller_visible(request: HttpRequest, traveller: Traveller) -> None:
    """Officers see a traveller who has been inspected at one of their posts; national roles see all."""
    scope = authz.post_scope(request.user, "identities.view", token_of(request))
    if isinstance(scope, authz.AllPosts):
        return
    if not scope or not traveller.inspections.filter(border_post__in=scope).exists():
        raise NotFound(_("no traveller %(id)s in your posts") % {"id": traveller.id})


@router.get("/travellers/{traveller_id}", response=TravellerOut, summary="A traveller with documents and timeline")
def get_traveller(request: HttpRequest, traveller_id: UUID) -> dict[str, Any]:
    authz.require(request.user, "identities.view", token=token_of(request))
    traveller = Traveller.objects.filter(id=traveller_id).first()
    if traveller is None:
        raise NotFound(_("no traveller %(traveller_id)s") % {"traveller_id": traveller_id})
    traveller_visible(request, traveller)
    posts = authz.post_scope(request.user, "identities.view", token_of(request))
    events, in_country = timeline(traveller, posts=posts)
    record_access(request, "api:get_traveller", "traveller", [traveller.id], [traveller.id])
    return {**{f: getattr(traveller, f) for f in ("id", "primary_identifier", "secondary_identifier", "birth_date",
                                                   "nationality", "sex")},
            "documents": list(visible_documents(traveller, posts)), "in_country": in_country, "timeline": events,
            "history_elsewhere": history_elsewhere(traveller, posts)}


class RectificationIn(Schema):
    changes: dict[str, str] = Field(description="the corrected values by field: primary_identifier, "
                                    "secondary_identifier, birth_date (YYYY-MM-DD), nationality, sex, document_number")
    reason: str = Field(description="why the record is wrong (the evidence seen)")
    document: UUID | None = Field(default=None, description="the document whose number is corrected")


class DecisionIn(Schema):
    reason: str = ""


class RectificationOut(Schema):
    id: UUID
    traveller: UUID
    document: UUID | None
    changes: dict[str, Any]
    previous: dict[str, Any]
    reason: str
    status: str
    requested_by: str
    requested_at: datetime
    decided_by: str | None
    decided_at: datetime | None
    decision_reason: str


def rectification_out(item: Rectification) -> dict[str, Any]:
    return {"id": item.id, "traveller": item.traveller_id, "document": item.document_id, "changes": item.changes,
            "previous": item.previous, "reason": item.reason, "status": item.status,
            "requested_by": item.requested_by.get_username(), "requested_at": item.requested_at,
            "decided_by": item.decided_by.get_username() if item.decided_by else None,
            "decided_at": item.decided_at, "decision_reason": item.decision_reason}


@router.post("/travellers/{traveller_id}/rectifications", response={201: RectificationOut},
             summary="Request the correction of a traveller's identity data (a second person decides)")
def request_rectification(request: HttpRequest, traveller_id: UUID,
                          payload: RectificationIn) -> Status[dict[str, Any]]:
    """Supervisors (travellers inspected at their post) and administrators. 400 names a wrong field; 409 when a
    correction of this traveller already waits, or the number is another document's."""
    traveller = Traveller.objects.filter(id=traveller_id).first()
    if traveller is None:
        raise NotFound(_("no traveller %(traveller_id)s") % {"traveller_id": traveller_id}, field="traveller")
    document = None
    if payload.document is not None:
        document = TravelDocument.objects.filter(id=payload.document).first()
        if document is None:
            raise NotFound(_("no document %(document)s") % {"document": payload.document}, field="document")
    item = rectifications.request(request.user, traveller, changes=payload.changes, reason=payload.reason,
                                  document=document, token=token_of(request))
    return Status(201, rectification_out(item))


@router.get("/rectifications", response=list[RectificationOut],
            summary="Corrections requested at the caller's posts, newest first (default: those pending)")
def list_rectifications(request: HttpRequest,
                        status: Literal["pending", "applied", "rejected", "all"] = "pending",
                        limit: int = 100) -> list[dict[str, Any]]:
    found = rectifications.visible(request.user, token_of(request))
    if status != "all":
        found = found.filter(status=status)
    rows = list(found[: max(1, min(limit, 1000))])
    record_access(request, "api:list_rectifications", "rectification", [r.id for r in rows],
                  [r.traveller_id for r in rows])
    return [rectification_out(r) for r in rows]


@router.post("/rectifications/{rectification_id}/approve", response=RectificationOut,
             summary="Approve and apply a correction (not by the person who requested it)")
def approve(request: HttpRequest, rectification_id: UUID, payload: DecisionIn) -> dict[str, Any]:
    """403 for the requester; 409 when already decided or the record changed since the request."""
    item = rectifications.get(request.user, rectification_id, token_of(request))
    return rectification_out(rectifications.approve(request.user, item, payload.reason, token=token_of(request)))


@router.post("/rectifications/{rectification_id}/reject", response=RectificationOut,
             summary="Reject a correction with a reason (not by the person who requested it)")
def reject(request: HttpRequest, rectification_id: UUID, payload: DecisionIn) -> dict[str, Any]:
    item = rectifications.get(request.user, rectification_id, token_of(request))
    return rectification_out(rectifications.reject(request.user, item, payload.reason, token=token_of(request)))
