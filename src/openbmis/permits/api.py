"""Visa policy, visa registry, e-visa import, permits, entry bans and overstays over the API."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal
from uuid import UUID

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from pydantic import Field

from openbmis.accounts import authz
from openbmis.accounts.api_auth import token_of
from openbmis.audit.access import record_access
from openbmis.core.apitypes import Day
from openbmis.core.errors import AccessDenied
from openbmis.permits import services, tasks
from openbmis.permits.models import EntryBan, ResidencePermit, Visa, VisaPolicyRule

router = Router(tags=["visas, permits and stay"])


class RuleIn(Schema):
    name: str = Field(min_length=1, max_length=120)
    nationality: str = Field(min_length=1, max_length=3, description="ICAO code, or * for any")
    document_type: str = Field(default="*", max_length=2, description="MRZ document code (P, PD, PS, ...) or *")
    max_age: int | None = Field(default=None, ge=1, le=120, description="minors: applies below this age")
    category: Literal["exempt", "on_arrival", "required", "special"]
    stay_kind: Literal["fixed", "rolling"] = "rolling"
    max_stay_days: int | None = Field(default=None, ge=1, le=3660)
    window_days: int | None = Field(default=None, ge=1, le=3660)
    valid_from: Day
    valid_to: Day | None = None
    note: str = ""


class RuleOut(RuleIn):
    id: UUID


@router.get("/visa-policies", response=list[RuleOut], summary="The visa policy rules")
def list_rules(request: HttpRequest, nationality: str = "") -> list[VisaPolicyRule]:
    authz.require(request.user, "permits.view", token=token_of(request))
    rules = VisaPolicyRule.objects.all()
    if nationality:
        rules = rules.filter(nationality__in=[nationality.upper(), "*"])
    return list(rules)


@router.post("/visa-policies", response={201: RuleOut}, summary="Add a visa policy rule (administrators)")
def create_rule(request: HttpRequest, payload: RuleIn) -> Status[VisaPolicyRule]:
    """A rule that overlaps another for the same nationality, document type and age limit is refused
    (422) with a message naming the other rule."""
    authz.require(request.user, "permits.manage", token=token_of(request))
    return Status(201, services.create_rule(request.user, **payload.dict()))


class VisaIn(Schema):
    number: str = Field(min_length=1, max_length=20)
    category: str = Field(default="", max_length=8)
    entries: Literal["single", "double", "multiple"]
    valid_from: Day
    valid_until: Day
    duration_days: int = Field(ge=1, le=3660)
    issuing_post: str = Field(default="", max_length=60)
    surname: str = Field(min_length=1, max_length=120)
    given_names: str = Field(default="", max_length=120)
    nationality: str = Field(min_length=3, max_length=3)
    birth_date: Day | None = None
    passport_number: str = Field(min_length=1, max_length=20)


class VisaOut(VisaIn):
    id: UUID
    source: str
    status: str
    # null without identities access (analysts not granted it), as in the overstay list
    surname: str | None  # type: ignore[assignment]
    given_names: str | None  # type: ignore[assignment]
    birth_date: date | None  # type: ignore[assignment]
    passport_number: str | None  # type: ignore[assignment]


def _identity_search(request: HttpRequest, passport_number: str) -> None:
    """Looking a passport up is reading who holds a record: it needs what seeing the holder needs."""
    if passport_number and not services.register_identities_visible(request.user, token_of(request)):
        raise AccessDenied(_("searching by passport number needs identities access"), field="passport_number")


def _register_rows(request: HttpRequest, rows: list[Any], schema: type[Schema], object_type: str) -> list[Any]:
    """Register rows for the caller: whole (the read recorded in the access log), or without who they are (see
    services.register_identities_visible)."""
    if services.register_identities_visible(request.user, token_of(request)):
        record_access(request, f"api:{object_type}s", object_type, [r.pk for r in rows], services.holders_of(rows))
        return rows
    fields = list(schema.model_fields)
    return [services.without_identity(row, fields) for row in rows]


@router.get("/visas", response=list[VisaOut], summary="Visas in the registry, by passport or visa number")
def list_visas(request: HttpRequest, nationality: str = "", passport_number: str = "", number: str = "",
               limit: int = 100) -> list[Any]:
    authz.require(request.user, "permits.view", token=token_of(request))
    _identity_search(request, passport_number)
    visas = Visa.objects.all()
    if nationality:
        visas = visas.filter(nationality=nationality.upper())
    if passport_number:
        visas = visas.filter(passport_number=passport_number.upper())
    if number:
        visas = visas.filter(number=number.upper())
    return _register_rows(request, list(visas[: max(1, min(limit, 500))]), VisaOut, "visa")


@router.post("/visas", response={201: VisaOut}, summary="Register a visa (administrators)")
def create_visa(request: HttpRequest, payload: VisaIn) -> Status[Visa]:
    authz.require(request.user, "permits.manage", token=token_of(request))
    return Status(201, services.create_visa(request.user, **payload.dict()))


class StickerIn(Schema):
    mrz: str = Field(min_length=1, max_length=200, description="the visa sticker's MRZ (MRV-A or MRV-B)")


class StickerOut(Schema):
    matched: bool
    visa: VisaOut | None
    mismatches: list[str]


@router.post("/visas/match", response=StickerOut, summary="Match a visa sticker MRZ to its registry record")
def match_sticker(request: HttpRequest, payload: StickerIn) -> dict[str, Any]:
    authz.require(request.user, "permits.view", token=token_of(request))
    found = services.match_sticker(payload.mrz)
    if found.visa is not None:
        record_access(request, "api:match_sticker", "visa", [found.visa.pk], services.holders_of([found.visa]))
    return {"matched": found.visa is not None and not found.mismatches, "visa": found.visa,
            "mismatches": found.mismatches}


class EVisaImportIn(Schema):
    file_name: str = Field(default="evisas.csv", max_length=200)
    content: str = Field(description="the CSV text (columns: see docs/permits.md)")


class EVisaImportOut(Schema):
    rows: int
    created: int
    updated: int


@router.post("/evisas/import", response={201: EVisaImportOut}, summary="Import e-visa records (CSV)")
def import_evisas(request: HttpRequest, payload: EVisaImportIn) -> Status[dict[str, int]]:
    """Every row is checked first; any bad row refuses the whole file (422) with `details.errors`
    listing each bad line and field: nothing is half-applied."""
    authz.require(request.user, "permits.manage", token=token_of(request))
    report = services.import_evisas(request.user, file_name=payload.file_name, content=payload.content)
    return Status(201, {"rows": report.rows, "created": report.created, "updated": report.updated})


class PermitIn(Schema):
    kind: Literal["residence", "work"]
    number: str = Field(min_length=1, max_length=30)
    surname: str = Field(min_length=1, max_length=120)
    given_names: str = Field(default="", max_length=120)
    nationality: str = Field(min_length=3, max_length=3)
    birth_date: Day | None = None
    passport_number: str = Field(min_length=1, max_length=20)
    valid_from: Day
    valid_until: Day


class PermitOut(PermitIn):
    id: UUID
    revoked: bool
    surname: str | None  # type: ignore[assignment]
    given_names: str | None  # type: ignore[assignment]
    birth_date: date | None  # type: ignore[assignment]
    passport_number: str | None  # type: ignore[assignment]


@router.get("/residence-permits", response=list[PermitOut], summary="Residence and work permits")
def list_permits(request: HttpRequest, nationality: str = "", passport_number: str = "") -> list[Any]:
    authz.require(request.user, "permits.view", token=token_of(request))
    _identity_search(request, passport_number)
    permits = ResidencePermit.objects.all()
    if nationality:
        permits = permits.filter(nationality=nationality.upper())
    if passport_number:
        permits = permits.filter(passport_number=passport_number.upper())
    return _register_rows(request, list(permits[:500]), PermitOut, "residence_permit")


@router.post("/residence-permits", response={201: PermitOut}, summary="Register a residence or work permit")
def create_permit(request: HttpRequest, payload: PermitIn) -> Status[ResidencePermit]:
    authz.require(request.user, "permits.manage", token=token_of(request))
    return Status(201, services.create_permit(request.user, **payload.dict()))


class BanIn(Schema):
    traveller_id: UUID | None = None
    surname: str = Field(default="", max_length=120)
    given_names: str = Field(default="", max_length=120)
    nationality: str = Field(default="", max_length=3)
    birth_date: Day | None = None
    document_number: str = Field(default="", max_length=20)
    source: Literal["refusal", "overstay", "decision"] = "decision"
    crossing_id: UUID | None = Field(default=None, description="the refusal the ban follows")
    starts_on: Day
    ends_on: Day | None = Field(default=None, description="empty: indefinite")
    reason: str = Field(min_length=1)


class BanOut(Schema):
    id: UUID
    traveller_id: UUID | None
    surname: str | None
    nationality: str
    birth_date: date | None
    document_number: str | None
    source: str
    starts_on: date
    ends_on: date | None
    reason: str
    lifted_at: datetime | None


@router.get("/entry-bans", response=list[BanOut], summary="Entry bans")
def list_bans(request: HttpRequest, nationality: str = "", active: bool = True) -> list[Any]:
    authz.require(request.user, "permits.view", token=token_of(request))
    bans = EntryBan.objects.all()
    if nationality:
        bans = bans.filter(nationality=nationality.upper())
    if active:
        bans = bans.filter(lifted_at__isnull=True)
    return _register_rows(request, list(bans[:500]), BanOut, "entry_ban")


@router.post("/entry-bans", response={201: BanOut}, summary="Impose an entry ban (administrators)")
def create_ban(request: HttpRequest, payload: BanIn) -> Status[EntryBan]:
    authz.require(request.user, "permits.manage", token=token_of(request))
    data = payload.dict()
    traveller_id, crossing_id = data.pop("traveller_id"), data.pop("crossing_id")
    return Status(201, services.impose_ban(request.user, traveller=services.get_traveller(traveller_id),
                                           crossing=services.get_crossing(crossing_id), **data))


class OverstayFilter(Schema):
    status: Literal["", "open", "exited", "extended"] = ""
    nationality: str = ""
    border_post: str = Field(default="", description="post of entry")
    since: Day | None = Field(default=None, description="permitted until on or after")
    until: Day | None = Field(default=None, description="permitted until on or before")
    min_days: int | None = Field(default=None, ge=0, le=36500, description="at least this many days over")
    limit: int = Field(default=200, ge=1, le=5000)


class OverstayOut(Schema):
    id: UUID
    traveller_id: UUID | None = Field(description="null without identities access at the post of entry")
    name: str | None = Field(description="null without identities access at the post of entry")
    nationality: str
    border_post: str
    entry_date: date
    permitted_until: date
    days: int
    status: str
    detected_at: datetime
    ended_at: datetime | None


def overstay_out(o: Any, identity: bool) -> dict[str, Any]:
    return {"id": o.id, "traveller_id": o.traveller_id if identity else None,
            "name": o.traveller.full_name if identity else None, "nationality": o.nationality,
            "border_post": o.border_post.code, "entry_date": o.entry_date, "permitted_until": o.permitted_until,
            "days": o.current_days, "status": o.status, "detected_at": o.detected_at, "ended_at": o.ended_at}


@router.get("/overstays", response=list[OverstayOut], summary="Overstays (analysts and supervisors)")
def list_overstays(request: HttpRequest, filters: Query[OverstayFilter]) -> list[dict[str, Any]]:
    authz.require(request.user, "overstays.view", token=token_of(request))
    rows = services.overstays_for(request.user, token=token_of(request), **filters.dict())
    visible = services.identity_visible(request.user, token_of(request))
    shown = list(rows[: filters.limit])
    seen = [o for o in shown if visible(o)]
    record_access(request, "api:list_overstays", "overstay", [o.pk for o in seen], [o.traveller_id for o in seen])
    return [overstay_out(o, visible(o)) for o in shown]


class DetectOut(Schema):
    task_id: str


@router.post("/overstays/detect", response={201: DetectOut}, summary="Run the overstay detection now")
def detect(request: HttpRequest) -> Status[dict[str, str]]:
    """Queues the detection job (run by `openbmis worker`); the list shows its result when it is done."""
    authz.require(request.user, "overstays.view", token=token_of(request))
    return Status(201, {"task_id": tasks.run_now()})
