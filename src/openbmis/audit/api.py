"""Audit trail search and verification (auditors)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal
from uuid import UUID

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from pydantic import Field

from openbmis.accounts import authz
from openbmis.accounts.api_auth import token_of
from openbmis.audit import services, subjects
from openbmis.audit.models import AuditEvent
from openbmis.audit.subjects import travellers_named
from openbmis.core.apitypes import Moment
from openbmis.core.errors import NotFound

router = Router(tags=["audit"])


class EventOut(Schema):
    id: UUID
    seq: int
    at: datetime
    actor: str = Field(alias="actor_label")
    action: str
    object_type: str
    object_id: str
    object_label: str
    border_post_code: str
    before: Any
    after: Any
    reason: str
    request_id: str


class EventFilter(Schema):
    actor: str | None = None
    action: str | None = None
    object_type: str | None = None
    object_id: str | None = None
    traveller: str | None = Field(default=None, description="a traveller id or a document number: the events about "
                                  "that person, found through the pseudonymous reference")
    border_post: str | None = None
    since: Moment | None = Field(default=None, alias="from")
    until: Moment | None = Field(default=None, alias="to")
    limit: int = Field(default=100, ge=1, le=1000)


class AuditProblemOut(Schema):
    seq: int
    event_id: str | None
    kind: str
    message: str


class AuditVerifyOut(Schema):
    ok: bool
    checked: int
    head_seq: int
    head_hash: str
    anchored_seq: int = Field(description="the highest event a signed checkpoint outside the database vouches for")
    problems: list[AuditProblemOut]


@router.get("/events", response=list[EventOut], summary="Search the audit trail, newest first")
def list_events(request: HttpRequest, filters: Query[EventFilter]) -> list[AuditEvent]:
    authz.require(request.user, "audit.view", token=token_of(request))
    events = services.search_events(
        actor=filters.actor, action=filters.action, object_type=filters.object_type, object_id=filters.object_id,
        border_post=filters.border_post, since=filters.since, until=filters.until,
    )
    if filters.traveller and filters.traveller.strip():
        travellers = travellers_named(filters.traveller)
        if not travellers:
            raise NotFound(_("no traveller has that id or presented a document of that number"), field="traveller")
        events = events.filter(id__in=subjects.events_about(travellers).values("id"))
    return list(events[: filters.limit])


@router.get("/events/{event_id}", response=EventOut, summary="One audit event: actor, time, post, request, object, "
            "before/after and reason")
def get_event(request: HttpRequest, event_id: UUID) -> AuditEvent:
    authz.require(request.user, "audit.view", token=token_of(request))
    return services.get_event(event_id)


@router.get("/verify", response=AuditVerifyOut, summary="Recompute the hash chain and report any break")
def verify(request: HttpRequest) -> dict[str, Any]:
    authz.require(request.user, "audit.view", token=token_of(request))
    report = services.verify()
    return {
        "ok": report.ok, "checked": report.checked, "head_seq": report.head_seq, "head_hash": report.head_hash,
        "anchored_seq": report.anchored_seq, "problems": [p.__dict__ for p in report.problems],
    }


@router.get("/accesses", response=list[EventOut],
            summary="The access log, newest first; with traveller: who looked at this person")
def list_accesses(request: HttpRequest, traveller: UUID | None = None, limit: int = 100) -> list[AuditEvent]:
    authz.require(request.user, "audit.view", token=token_of(request))
    from openbmis.audit.access import ACCESS_PREFIX, accesses_of

    events = accesses_of(traveller) if traveller else services.search_events(action=ACCESS_PREFIX)
    return list(events[: max(1, min(limit, 1000))])


@router.get("/subject-access/{traveller_id}",
            summary="Everything held on a traveller (right of access): JSON, or a PDF with format=pdf")
def subject_access(request: HttpRequest, traveller_id: UUID, format: Literal["json", "pdf"] = "json") -> HttpResponse:
    authz.require(request.user, "audit.view", token=token_of(request))
    from openbmis.audit import subject_access as sar

    data = sar.export(request.user, traveller_id)
    if format == "pdf":
        response = HttpResponse(sar.as_pdf(data), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="subject-access-{traveller_id}.pdf"'
        return response
    return HttpResponse(sar.as_json(data), content_type="application/json")
