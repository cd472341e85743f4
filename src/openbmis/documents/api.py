"""``POST /api/documents/mrz``: the MRZ library's reading, plus the document checks, as JSON."""

from __future__ import annotations

import base64
import binascii
import logging
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from pydantic import Field

from openbmis import mrz
from openbmis.accounts import authz
from openbmis.accounts.api_auth import token_of
from openbmis.core.apitypes import Day
from openbmis.core.errors import InvalidInput, NotFound
from openbmis.core.ids import is_uuid
from openbmis.core.pii import short_hash
from openbmis.documents import library, services
from openbmis.documents import statistics as fraud
from openbmis.documents.models import DocumentModel, FraudAlert
from openbmis.inspections import mrz_texts
from openbmis.statistics import queries

router = Router(tags=["documents"])
log = logging.getLogger(__name__)


class MRZIn(Schema):
    mrz: str = Field(min_length=1, max_length=400, description="the MRZ as typed by a reader or pasted: any line breaks")
    repair: bool = Field(default=True, description="try check-digit-verified OCR-confusion repairs")
    expiring_within_days: int = Field(default=90, ge=0, le=3650)


@router.post(
    "/mrz",
    summary="Read an MRZ: fields, check digits, structured errors, corrections and document checks",
    response=dict[str, Any],
)
def read_mrz(request: HttpRequest, payload: MRZIn) -> dict[str, Any]:
    """Returns the same object as `openbmis mrz parse`, plus `document_checks` as of today.

    An MRZ with wrong check digits is still read (200, `valid: false`, each error naming the field,
    the expected and the found value); input that is no MRZ at all is a 422 naming the problem.
    """
    authz.require(request.user, "documents.check", token=token_of(request))
    today = timezone.localdate()
    try:
        result = mrz.parse(payload.mrz, today=today, repair=payload.repair)
    except mrz.MRZError as exc:
        log.info("mrz rejected input=%s reason=%s", short_hash(payload.mrz), type(exc).__name__)
        raise InvalidInput(mrz_texts.error_text(exc), field="mrz") from None
    data = result.to_dict()
    checks = mrz.check_document(result, today, expiring_within_days=payload.expiring_within_days)
    return {**data, "document_checks": [check.to_dict() for check in checks]}


class LibraryQuery(Schema):
    issuing_state: str | None = Field(default=None, max_length=3, description="ICAO code of the issuing state")
    document_code: str | None = Field(default=None, max_length=2, description="document code, e.g. P")


@router.get("/models", summary="Search the reference library of genuine document models", response=list[dict[str, Any]])
def list_models(request: HttpRequest, params: Query[LibraryQuery]) -> list[dict[str, Any]]:
    """Models by issuing state and document code, with their security features (images are served apart)."""
    authz.require(request.user, "documents.library", token=token_of(request))
    return [library.model_summary(model) for model in library.search(params.issuing_state, params.document_code)]


@router.get("/alerts", summary="The fraud alerts in force (current versions, not withdrawn)",
            response=list[dict[str, Any]])
def list_alerts(request: HttpRequest, params: Query[LibraryQuery]) -> list[dict[str, Any]]:
    authz.require(request.user, "documents.library", token=token_of(request))
    return [library.alert_summary(alert)
            for alert in library.alerts_in_force(params.issuing_state, timezone.localdate())]


class FraudQuery(Schema):
    since: Day | None = Field(default=None, alias="from", description="first day (default: 30 days to `to`)")
    until: Day | None = Field(default=None, alias="to", description="last day, inclusive (default: today)")
    group_by: str = Field(default="verdict", description="comma-separated: " + ", ".join(fraud.FRAUD_KEYS))
    border_post: str | None = Field(default=None, description="post code(s), comma-separated")
    nationality: str | None = Field(default=None, description="holder's nationality code(s), comma-separated")
    document_type: str | None = Field(default=None, description="document code, e.g. P")


@router.get("/fraud-statistics", summary="Fraud cases found at secondary, grouped as asked",
            response=dict[str, Any])
def fraud_statistics(request: HttpRequest, params: Query[FraudQuery]) -> dict[str, Any]:
    """Examinations with a fraud verdict, with the same small-cell suppression and rounding as
    `/api/statistics/flows`. Example: `/api/documents/fraud-statistics?group_by=issuing_state,verdict`."""
    filters = queries.parse_filters(request.user, {
        "from": params.since, "to": params.until, "border_post": params.border_post,
        "nationality": params.nationality, "document_type": params.document_type,
    }, token=token_of(request))
    table = fraud.fraud_cases(filters, fraud.parse_group_by(params.group_by))
    return {"rows": [{"key": key, **values} for key, values in table.rows], "totals": table.totals,
            "suppressed": table.suppressed, "rounded_to": table.rounded_to}


# ----------------------------------------------------------------------------------- maintained at headquarters
class ImageIn(Schema):
    content: str = Field(min_length=1, description="the image, base64 (JPEG, PNG, TIFF or WebP)")
    caption: str = Field(default="", max_length=200)
    light: str = Field(default="visible", description="visible, uv or ir")
    page: str = Field(default="data page", max_length=60, description="reference images: the page shown")


class AlertIn(Schema):
    title: str = Field(min_length=1, max_length=200)
    description: str = Field(min_length=1, description="what the forgery looks like")
    detection: str = Field(min_length=1, description="how to detect it")
    severity: str = Field(default="warn", description="warn, or fail (the check fails and the suggestion is refer)")
    issuing_state: str = Field(min_length=1, max_length=3)
    document_code: str = Field(default="", max_length=2)
    series: str = Field(default="", max_length=20, description="a number prefix the forgeries share")
    number_from: str = Field(default="", max_length=20)
    number_to: str = Field(default="", max_length=20)
    valid_from: Day
    valid_until: Day | None = None
    model: str | None = Field(default=None, description="the id of the genuine model it concerns")
    reference: str | None = Field(default=None, description="publish a new version of this alert (FA-YYYY-NNNN)")
    images: list[ImageIn] = Field(default_factory=list)


class ModelIn(Schema):
    issuing_state: str = Field(min_length=1, max_length=3)
    document_code: str = Field(min_length=1, max_length=2)
    name: str = Field(min_length=1, max_length=200)
    source: str = Field(min_length=1, description="where the reference material comes from")
    series: str = ""
    issued_from: Day | None = None
    issued_until: Day | None = None
    validity_years: int | None = Field(default=None, ge=1, le=50)
    notes: str = ""
    images: list[ImageIn] = Field(default_factory=list)


class WithdrawIn(Schema):
    reason: str = Field(min_length=1)


def _model(model_id: str) -> DocumentModel:
    try:
        return DocumentModel.objects.get(id=model_id)
    except (DocumentModel.DoesNotExist, ValueError, ValidationError):
        raise NotFound(_("No document model %(model_id)s.") % {"model_id": model_id}, field="model") from None


def _image_bytes(image: ImageIn, where: str) -> bytes:
    try:
        return base64.b64decode(image.content, validate=True)
    except (binascii.Error, ValueError):
        raise InvalidInput(_("content is not valid base64"), field=where) from None


@router.post("/alerts", response={201: dict[str, Any]}, summary="Publish a fraud alert, or a new version of one "
             "(document experts)")
def publish_alert(request: HttpRequest, payload: AlertIn) -> Status[dict[str, Any]]:
    authz.require(request.user, "documents.manage", token=token_of(request))
    model = _model(payload.model) if payload.model else None
    images = [(_image_bytes(i, f"images.{n}.content"), i.caption, i.light) for n, i in enumerate(payload.images)]
    fields = payload.dict(exclude={"model", "reference", "images"})
    alert = services.publish_alert(request.user, reference=payload.reference, model=model, images=images, **fields)
    return Status(201, library.alert_summary(alert))


@router.post("/alerts/{reference}/withdraw", response=dict[str, Any], summary="Withdraw a fraud alert, with the reason")
def withdraw_alert(request: HttpRequest, reference: str, payload: WithdrawIn) -> dict[str, Any]:
    authz.require(request.user, "documents.manage", token=token_of(request))
    alert = FraudAlert.objects.filter(reference=reference, current=True).first()
    if alert is None:
        raise NotFound(_("No alert %(reference)s.") % {"reference": reference}, field="reference")
    return library.alert_summary(services.withdraw_alert(request.user, alert, payload.reason))


@router.post("/models", response={201: dict[str, Any]}, summary="Add a genuine document model to the reference "
             "library, with its images (document experts)")
def add_model(request: HttpRequest, payload: ModelIn) -> Status[dict[str, Any]]:
    authz.require(request.user, "documents.manage", token=token_of(request))
    images = [(_image_bytes(i, f"images.{n}.content"), i) for n, i in enumerate(payload.images)]
    with transaction.atomic():
        model = services.save_model(request.user, **payload.dict(exclude={"images"}))
        for data, image in images:
            services.add_reference_image(request.user, model, data, page=image.page, light=image.light)
    return Status(201, library.model_summary(model))


class FeatureIn(Schema):
    kind: str = Field(description="substrate, printing, ovd, personalisation, mrz or chip")
    name: str = Field(min_length=1, max_length=120)
    description: str = Field(min_length=1)
    image: str | None = Field(default=None, description="id of one of the model's reference images")
    box: list[float] | None = Field(default=None, min_length=4, max_length=4,
                                    description="where on the image: x, y, width, height as fractions 0..1")


@router.post("/models/{model_id}/features", response={201: dict[str, Any]},
             summary="Describe a security feature of a model, located on one of its images (document experts)")
def add_feature(request: HttpRequest, model_id: str, payload: FeatureIn) -> Status[dict[str, Any]]:
    authz.require(request.user, "documents.manage", token=token_of(request))
    model = _model(model_id)
    image = None
    if payload.image:
        image = model.images.filter(id=payload.image).first() if is_uuid(payload.image) else None
        if image is None:
            raise InvalidInput(_("No reference image %(image)s on this model.")
                               % {"image": payload.image}, field="image")
    box = (payload.box[0], payload.box[1], payload.box[2], payload.box[3]) if payload.box else None
    services.add_feature(request.user, model, kind=payload.kind, name=payload.name,
                         description=payload.description, image=image, box=box)
    return Status(201, library.model_summary(model))

