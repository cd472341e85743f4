"""Retention over the API: the dry-run report and legal holds (administrators and auditors)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import Field

from openbmis.accounts.api_auth import token_of
from openbmis.audit.access import record_access
from openbmis.audit.refs import traveller_ref
from openbmis.core.apitypes import Day
from openbmis.retention import services
from openbmis.retention.models import LegalHold

router = Router(tags=["retention"])


class DueOut(Schema):
    what: str
    count: int
    oldest: date | None


class RuleOut(Schema):
    rule: str
    label: str
    models: list[str]
    days: int | None = Field(description="the retention period; null where it is set elsewhere (enforced_by)")
    setting: str
    counted_from: str
    enforced_by: str
    total: int
    rows: list[DueOut]


class ReportOut(Schema):
    dry_run: bool = True
    rules: list[RuleOut]


@router.get("/report", response=ReportOut,
            summary="What the retention run would delete now, per record type (a dry run: nothing is deleted)")
def report(request: HttpRequest) -> dict[str, Any]:
    entries = services.report(request.user, token=token_of(request))
    return {"dry_run": True, "rules": [entry.as_dict() for entry in entries]}


class HoldOut(Schema):
    id: UUID
    traveller_id: UUID
    traveller_ref: str
    reason: str
    created_by: str
    created_at: datetime
    ends_on: date | None
    in_force: bool
    lifted_at: datetime | None
    lifted_by: str | None
    lift_reason: str


def _hold(hold: LegalHold) -> dict[str, Any]:
    return {"id": hold.id, "traveller_id": hold.traveller_id, "traveller_ref": traveller_ref(hold.traveller_id),
            "reason": hold.reason, "created_by": hold.created_by.username, "created_at": hold.created_at,
            "ends_on": hold.ends_on, "in_force": hold.in_force, "lifted_at": hold.lifted_at,
            "lifted_by": hold.lifted_by.username if hold.lifted_by else None, "lift_reason": hold.lift_reason}


class HoldFilter(Schema):
    traveller: UUID | None = None
    in_force: bool | None = None
    limit: int = Field(default=100, ge=1, le=1000)


@router.get("/holds", response=list[HoldOut], summary="Legal holds, newest first")
def list_holds(request: HttpRequest, filters: Query[HoldFilter]) -> list[dict[str, Any]]:
    rows = list(services.holds(request.user, token=token_of(request), traveller_id=filters.traveller,
                               in_force=filters.in_force)[: filters.limit])
    if rows:
        record_access(request, "api:list_legal_holds", "legal_hold", [h.id for h in rows],
                      [h.traveller_id for h in rows])
    return [_hold(h) for h in rows]


class HoldIn(Schema):
    traveller_id: UUID
    reason: str = Field(min_length=1, max_length=services.MAX_REASON)
    ends_on: Day | None = None


@router.post("/holds", response={201: HoldOut},
             summary="Place a legal hold: nothing about the traveller is deleted by retention while it is in force")
def place_hold(request: HttpRequest, payload: HoldIn) -> Status[dict[str, Any]]:
    hold = services.place_hold(request.user, payload.traveller_id, payload.reason, payload.ends_on,
                               token=token_of(request))
    return Status(201, _hold(hold))


class LiftIn(Schema):
    reason: str = Field(min_length=1, max_length=services.MAX_REASON)


@router.post("/holds/{hold_id}/lift", response=HoldOut, summary="Lift a legal hold, with a reason")
def lift_hold(request: HttpRequest, hold_id: UUID, payload: LiftIn) -> dict[str, Any]:
    return _hold(services.lift_hold(request.user, hold_id, payload.reason, token=token_of(request)))


class ErasureIn(Schema):
    traveller_id: UUID
    reason: str = Field(min_length=1, max_length=services.MAX_REASON)


class ErasureOut(Schema):
    traveller_ref: str
    erased: dict[str, int] = Field(description="rows deleted, by kind of record (app.Model)")


@router.post("/erasures", response=ErasureOut,
             summary="Erase everything held on a traveller (administrators); refused under a legal hold")
def erase(request: HttpRequest, payload: ErasureIn) -> dict[str, Any]:
    from openbmis.retention import erasure

    counts = erasure.erase(request.user, payload.traveller_id, payload.reason, token=token_of(request))
    return {"traveller_ref": traveller_ref(payload.traveller_id), "erased": counts}
