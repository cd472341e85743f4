"""Advance passenger information over the API: carriers submit PAXLST manifests; officers read manifests,
the pre-arrival queue, reconciliation and compliance."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal
from uuid import UUID

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from pydantic import Field

from openbmis.accounts.api_auth import token_of
from openbmis.audit.access import record_access
from openbmis.borderposts import services as borderposts
from openbmis.core.errors import InvalidInput
from openbmis.core.uploads import upload_limit
from openbmis.manifests import services
from openbmis.manifests.models import Carrier, Manifest, ManifestPerson, PreArrivalHit

router = Router(tags=["advance passenger information"])


def manifest_out(m: Manifest) -> dict[str, Any]:
    return {
        "id": str(m.id), "carrier": m.carrier.code, "flight": m.flight, "date": m.flight_date, "kind": m.kind,
        "function": m.function, "status": m.status, "arrival_post": m.arrival_post.code if m.arrival_post else None,
        "origin": m.origin, "destination": m.destination, "departure_at": m.departure_at, "arrival_at": m.arrival_at,
        "received_at": m.received_at, "late": services.is_late(m), "persons": m.person_count,
        "incomplete": m.incomplete_count, "errors": m.errors, "sha256": m.sha256, "source": m.source,
        "supersedes": str(m.supersedes_id) if m.supersedes_id else None, "screened_at": m.screened_at,
    }


def person_out(p: ManifestPerson) -> dict[str, Any]:
    return {
        "id": str(p.id), "position": p.position, "role": p.role, "surname": p.surname, "given_names": p.given_names,
        "sex": p.sex, "birth_date": p.birth_date, "nationality": p.nationality,
        "document": {"type": p.document_type, "number": p.document_number, "issuing_state": p.issuing_state,
                     "expiry_date": p.expiry_date},
        "screening": p.screening, "checks": p.checks, "inspection_id": str(p.inspection_id) if p.inspection_id else None,
        "hits": [hit_out(h, with_person=False) for h in p.hits.all()],
    }


def hit_out(h: PreArrivalHit, with_person: bool = True) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": str(h.id), "border_post": h.border_post.code, "list": h.watchlist.name, "name": h.name,
        "score": h.score, "algorithm": h.algorithm, "version": h.algorithm_version,
        "explanation": h.data.get("explanation_text", ""), "previous_no_match": h.data.get("previous_no_match"),
        "status": h.status, "reason": h.reason, "judged_by": h.judged_by.get_username() if h.judged_by else None,
        "judged_at": h.judged_at,
    }
    if with_person:
        p = h.person
        out["person"] = {"id": str(p.id), "surname": p.surname, "given_names": p.given_names,
                         "birth_date": p.birth_date, "nationality": p.nationality, "role": p.role}
        out["manifest"] = {"id": str(p.manifest_id), "flight": p.manifest.flight,
                           "arrival_at": p.manifest.arrival_at}
    return out


@router.post("/manifests", response={201: dict[str, Any]},
             summary="Submit a PAXLST interchange (a carrier's token with scope manifests:submit)")
def submit(request: HttpRequest) -> Status[dict[str, Any]]:
    """The body is the UN/EDIFACT interchange itself (any content type), or a multipart upload with `file`.
    Each PAXLST message is stored with the raw interchange and its hash, supersedes the earlier manifest of
    the same flight, date and kind (change) or cancels it (cancel), and every person is screened at once.
    A carrier's account may only submit its own flights. The answer carries the CUSRES acknowledgement.
    An interchange that is not PAXLST at all (or legacy CEDIPAX) is refused (422, field `file`)."""
    upload = request.FILES.get("file")
    if upload is not None:
        if upload.size and upload.size > upload_limit("manifest"):
            raise InvalidInput(_("the file is larger than 20 MiB"), field="file")
        content = upload.read()
    else:
        content = request.body
        if len(content) > upload_limit("manifest"):
            raise InvalidInput(_("the body is larger than 20 MiB"), field="file")
    done = services.ingest(request.user, content, source="api", token=token_of(request))
    return Status(201, {"manifests": [manifest_out(m) for m in done.manifests], "errors": done.errors,
                        "duplicate": done.duplicate, "cusres": done.cusres})


@router.get("/manifests", response=list[dict[str, Any]], summary="Manifests of arriving flights (newest first)")
def list_manifests(request: HttpRequest, border_post: str = "", date: date | None = None) -> list[dict[str, Any]]:
    post = borderposts.get_post(border_post) if border_post else None
    rows = services.list_manifests(request.user, border_post=post, day=date, token=token_of(request))
    return [manifest_out(m) for m in rows]


@router.get("/manifests/{manifest_id}", response=dict[str, Any], summary="A manifest with its persons and findings")
def get_manifest(request: HttpRequest, manifest_id: UUID) -> dict[str, Any]:
    manifest = services.get_manifest(request.user, manifest_id, token=token_of(request))
    persons = list(manifest.persons.prefetch_related("hits__watchlist", "hits__judged_by", "hits__border_post")
                   .select_related("inspection"))
    record_access(request, "api:get_manifest", "manifest_person", [p.pk for p in persons],
                  [p.inspection.traveller_id for p in persons if p.inspection is not None])
    return {**manifest_out(manifest), "legs": manifest.legs, "persons": [person_out(p) for p in persons]}


@router.get("/manifests/{manifest_id}/reconciliation", response=dict[str, Any],
            summary="After arrival: no-shows, arrivals not listed, mismatched data")
def reconciliation(request: HttpRequest, manifest_id: UUID) -> services.Reconciliation:
    return services.reconcile(services.get_manifest(request.user, manifest_id, token=token_of(request)))


@router.get("/prearrival/hits", response=list[dict[str, Any]], summary="The pre-arrival queue of a post")
def list_hits(request: HttpRequest, border_post: str = "",
              status: Literal["pending", "match", "no_match", "unsure", "all"] = "pending") -> list[dict[str, Any]]:
    post = borderposts.get_post(border_post) if border_post else None
    hits = list(services.queue(request.user, border_post=post, status=None if status == "all" else status,
                               token=token_of(request)))
    record_access(request, "api:prearrival_hits", "prearrival_hit", [h.pk for h in hits])
    return [hit_out(h) for h in hits]


class JudgementIn(Schema):
    status: Literal["match", "no_match", "unsure"]
    reason: str = Field(min_length=1, max_length=2000)


@router.post("/prearrival/hits/{hit_id}/judgement", response=dict[str, Any],
             summary="Judge a pre-arrival hit: match, no match or unsure (a reason is required)")
def judge(request: HttpRequest, hit_id: UUID, payload: JudgementIn) -> dict[str, Any]:
    token = token_of(request)
    hit = services.get_hit(request.user, hit_id, token=token)
    services.judge(request.user, hit, status=payload.status, reason=payload.reason, token=token)
    return hit_out(services.get_hit(request.user, hit_id, token=token))


class CarrierIn(Schema):
    code: str = Field(min_length=2, max_length=3)
    name: str = Field(min_length=1, max_length=120)
    account: str = Field(default="", max_length=150, description="username of the carrier's own account")


@router.get("/carriers", response=list[dict[str, Any]], summary="Registered carriers")
def list_carriers(request: HttpRequest) -> list[dict[str, Any]]:
    from openbmis.accounts import authz

    authz.require(request.user, "manifests.view", token=token_of(request))
    return [{"code": c.code, "name": c.name, "active": c.active,
             "account": c.account.get_username() if c.account else None}
            for c in Carrier.objects.select_related("account")]


@router.post("/carriers", response={201: dict[str, Any]}, summary="Register a carrier (administrators)")
def create_carrier(request: HttpRequest, payload: CarrierIn) -> Status[dict[str, Any]]:
    from django.contrib.auth import get_user_model

    account = None
    if payload.account:
        account = get_user_model().objects.filter(username=payload.account).first()
        if account is None:
            raise InvalidInput(_("no user %(account)r") % {"account": payload.account}, field="account")
    carrier = services.register_carrier(request.user, code=payload.code, name=payload.name, account=account,
                                        token=token_of(request))
    return Status(201, {"code": carrier.code, "name": carrier.name, "active": carrier.active,
                        "account": payload.account or None})


@router.get("/carriers/compliance", response=list[dict[str, Any]],
            summary="Per carrier: manifests, late, incomplete, with errors, missing (flights arriving in a month)")
def carrier_compliance(request: HttpRequest, month: str = "") -> list[services.CarrierFigures]:
    start, end = month_range(month)
    return services.compliance(request.user, start=start, end=end, token=token_of(request))


def month_range(month: str) -> tuple[date, date]:
    from django.utils import timezone

    try:
        year, mon = (int(x) for x in month.split("-")) if month else (timezone.now().year, timezone.now().month)
        start = date(year, mon, 1)
    except ValueError:
        raise InvalidInput(_("month is YYYY-MM"), field="month") from None
    end = date(year + (mon == 12), mon % 12 + 1, 1)
    return start, end
