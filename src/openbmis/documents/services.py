"""The write path of the travel-documents app: library, alerts, examinations. Each write is audited."""

from __future__ import annotations

from datetime import date
from typing import TypedDict, Unpack
from uuid import UUID

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from openbmis.accounts import authz
from openbmis.accounts.actors import Actor, acting_user
from openbmis.audit import services as audit
from openbmis.core.errors import InvalidInput, NotFound
from openbmis.documents.images import checked_image
from openbmis.documents.models import (
    AlertImage,
    DocumentModel,
    Examination,
    ExaminationImage,
    FraudAlert,
    Light,
    ReferenceImage,
    SecurityFeature,
    Verdict,
)
from openbmis.inspections.models import Inspection

MODEL_FIELDS = ["issuing_state", "document_code", "name", "series", "issued_from", "issued_until", "validity_years",
                "source", "notes"]
ALERT_FIELDS = ["issuing_state", "document_code", "series", "number_from", "number_to", "title", "description",
                "detection", "severity", "valid_from", "valid_until"]


class DocumentModelFields(TypedDict, total=False):
    """What a caller sets on a document model of the reference library: ``MODEL_FIELDS`` with their types."""

    issuing_state: str
    document_code: str
    name: str
    series: str
    issued_from: date | None
    issued_until: date | None
    validity_years: int | None
    source: str
    notes: str


class AlertFields(TypedDict, total=False):
    """What a fraud alert says: ``ALERT_FIELDS`` with their types."""

    issuing_state: str
    document_code: str
    series: str
    number_from: str
    number_to: str
    title: str
    description: str
    detection: str
    severity: str
    valid_from: date
    valid_until: date | None


def _state(value: str, field: str = "issuing_state") -> str:
    value = (value or "").strip().upper()
    if not (1 <= len(value) <= 3 and value.replace("<", "").isalpha()):
        raise InvalidInput(_("The issuing state must be an ICAO 9303 three-letter code."), field=field)
    return value


def save_model(actor: Actor, *, model: DocumentModel | None = None,
               **fields: Unpack[DocumentModelFields]) -> DocumentModel:
    """Create or change a document model of the reference library."""
    authz.require(actor, "documents.manage")
    fields["issuing_state"] = _state(fields.get("issuing_state", model.issuing_state if model else ""))
    code = (fields.get("document_code", model.document_code if model else "") or "").strip().upper()
    if not code or len(code) > 2:
        raise InvalidInput(_("The document code must be one or two characters (P, PP, ID, I, V...)."),
                           field="document_code")
    fields["document_code"] = code
    if not (fields.get("name") or (model and model.name)):
        raise InvalidInput(_("A document model needs a name."), field="name")
    if not (fields.get("source") or (model and model.source)):
        raise InvalidInput(_("State where the reference material comes from."), field="source")
    start, end = fields.get("issued_from"), fields.get("issued_until")
    if start and end and end < start:
        raise InvalidInput(_("The last issue date is before the first."), field="issued_until")
    with transaction.atomic():
        before = audit.snapshot(model, MODEL_FIELDS) if model else None
        model = model or DocumentModel()
        for name, value in fields.items():
            if name not in MODEL_FIELDS:
                raise InvalidInput(_("Unknown field %(name)r.") % {"name": name}, field=name)
            setattr(model, name, value)
        model.updated_at = timezone.now()
        model.save()
        audit.record(actor=actor, action="documents.model_saved", object_type="document_model",
                     object_id=str(model.id), object_label=str(model), before=before,
                     after=audit.snapshot(model, MODEL_FIELDS))
    return model


def add_reference_image(actor: Actor, model: DocumentModel, data: bytes, *, page: str = "data page",
                        light: str = Light.VISIBLE) -> ReferenceImage:
    authz.require(actor, "documents.manage")
    if light not in Light.values:
        raise InvalidInput(_("Unknown light %(light)r; one of %(choices)s.")
                           % {"light": light, "choices": ', '.join(Light.values)}, field="light")
    ext, digest = checked_image(data)
    with transaction.atomic():
        image = ReferenceImage(model=model, page=page[:40], light=light, sha256=digest)
        image.file.save(f"{digest}.{ext}", ContentFile(data), save=False)
        image.save()
        audit.record(actor=actor, action="documents.reference_image_added", object_type="document_model",
                     object_id=str(model.id), object_label=str(model), after={"image": str(image.id),
                                                                              "page": page, "light": light})
    return image


def add_feature(actor: Actor, model: DocumentModel, *, kind: str, name: str, description: str,
                image: ReferenceImage | None = None, box: tuple[float, float, float, float] | None = None
                ) -> SecurityFeature:
    """Describe a security feature; ``box`` = (x, y, width, height) as fractions of the image's size."""
    authz.require(actor, "documents.manage")
    if kind not in SecurityFeature.Kind.values:
        raise InvalidInput(_("Unknown feature kind %(kind)r.") % {"kind": kind}, field="kind")
    if box is not None:
        if image is None:
            raise InvalidInput(_("A location needs the image it is on."), field="image")
        x, y, w, h = box
        if not (0 <= x <= 1 and 0 <= y <= 1 and 0 < w <= 1 - x + 1e-9 and 0 < h <= 1 - y + 1e-9):
            raise InvalidInput(_("The location must be a rectangle inside the image (fractions 0..1)."), field="box")
    if image is not None and image.model_id != model.id:
        raise InvalidInput(_("The image belongs to another document model."), field="image")
    with transaction.atomic():
        feature = SecurityFeature.objects.create(
            model=model, kind=kind, name=name, description=description, image=image,
            **(dict(zip(("x", "y", "width", "height"), box, strict=True)) if box else {}))
        audit.record(actor=actor, action="documents.feature_added", object_type="document_model",
                     object_id=str(model.id), object_label=str(model), after={"feature": name, "kind": kind})
    return feature


def publish_alert(actor: Actor, *, reference: str | None = None, model: DocumentModel | None = None,
                  images: list[tuple[bytes, str, str]] | None = None,
                  **fields: Unpack[AlertFields]) -> FraudAlert:
    """Publish a fraud alert, or a new version of ``reference``; the previous version stays, no longer current.

    ``images``: (bytes, caption, light) each.
    """
    authz.require(actor, "documents.manage")
    for name in fields:
        if name not in ALERT_FIELDS:
            raise InvalidInput(_("Unknown field %(name)r.") % {"name": name}, field=name)
    if model is not None:
        fields.setdefault("issuing_state", model.issuing_state)
        fields.setdefault("document_code", model.document_code)
    fields["issuing_state"] = _state(fields.get("issuing_state", ""))
    for required in ("title", "description", "detection", "valid_from"):
        if not fields.get(required):
            raise InvalidInput(_("An alert needs %(required)s.")
                               % {"required": required.replace('_', ' ')}, field=required)
    if fields.get("severity", "warn") not in FraudAlert.Severity.values:
        raise InvalidInput(_("The severity is warn or fail."), field="severity")
    until: date | None = fields.get("valid_until")
    if until and until < fields["valid_from"]:
        raise InvalidInput(_("The alert ends before it starts."), field="valid_until")
    if bool(fields.get("number_from")) != bool(fields.get("number_to")):
        raise InvalidInput(_("A number range needs both its first and its last number."), field="number_to")
    if fields.get("number_from") and len(fields["number_from"]) != len(fields["number_to"]):
        raise InvalidInput(_("The first and last numbers of a range have the same length."), field="number_to")
    checked = [(data, caption, light, *checked_image(data)) for data, caption, light in images or []]
    with transaction.atomic():
        before = None
        version = 1
        if reference:
            previous = FraudAlert.objects.select_for_update().filter(reference=reference, current=True).first()
            if previous is None:
                raise NotFound(_("No alert %(reference)s.") % {"reference": reference})
            before = audit.snapshot(previous, ALERT_FIELDS)
            version = previous.version + 1
            FraudAlert.objects.filter(reference=reference).update(current=False)
        else:
            count = FraudAlert.objects.values("reference").distinct().count()
            reference = f"FA-{timezone.now():%Y}-{count + 1:04d}"
            while FraudAlert.objects.filter(reference=reference).exists():
                count += 1
                reference = f"FA-{timezone.now():%Y}-{count + 1:04d}"
        alert = FraudAlert.objects.create(reference=reference, version=version, model=model, published_by=acting_user(actor),
                                          **fields)
        for data, caption, light, ext, digest in checked:
            image = AlertImage(alert=alert, caption=caption[:200], light=light, sha256=digest)
            image.file.save(f"{digest}.{ext}", ContentFile(data), save=False)
            image.save()
        audit.record(actor=actor, action="documents.alert_published", object_type="fraud_alert",
                     object_id=str(alert.id), object_label=f"{reference} v{version}", before=before,
                     after=audit.snapshot(alert, ALERT_FIELDS))
    return alert


def withdraw_alert(actor: Actor, alert: FraudAlert, reason: str) -> FraudAlert:
    authz.require(actor, "documents.manage")
    if not reason.strip():
        raise InvalidInput(_("Say why the alert is withdrawn."), field="reason")
    with transaction.atomic():
        alert.withdrawn = True
        alert.save(update_fields=["withdrawn"])
        audit.record(actor=actor, action="documents.alert_withdrawn", object_type="fraud_alert",
                     object_id=str(alert.id), object_label=f"{alert.reference} v{alert.version}", reason=reason)
    return alert


def record_examination(actor: Actor, inspection: Inspection, *, verdict: str, disposition: str,
                       findings: list[dict[str, str]], note: str = "", model: DocumentModel | None = None,
                       alert: FraudAlert | None = None,
                       images: list[tuple[bytes, str, str]] | None = None) -> Examination:
    """Record the examination of the inspected document at secondary. ``images``: (bytes, light, source) each."""
    authz.require(actor, "documents.examine", inspection.border_post)
    if not hasattr(inspection, "referral"):
        raise InvalidInput(_("Only a document referred to secondary is examined here; refer the inspection first."),
                           field="inspection")
    if verdict not in Verdict.values:
        raise InvalidInput(_("Unknown verdict %(verdict)r; one of %(choices)s.")
                           % {"verdict": verdict, "choices": ', '.join(Verdict.values)}, field="verdict")
    if disposition not in Examination.Disposition.values:
        raise InvalidInput(_("Say whether the document was retained or returned."), field="disposition")
    if not findings:
        raise InvalidInput(_("Record at least one feature examined and its finding."), field="findings")
    for finding in findings:
        if not (finding.get("feature") or "").strip() or not (finding.get("finding") or "").strip():
            raise InvalidInput(_("Each finding names the feature and what was found."), field="findings")
    checked = []
    for data, light, source in images or []:
        if light not in Light.values:
            raise InvalidInput(_("Unknown light %(light)r.") % {"light": light}, field="images")
        if source not in ExaminationImage.Source.values:
            raise InvalidInput(_("Unknown image source %(source)r.") % {"source": source}, field="images")
        checked.append((data, light, source, *checked_image(data)))
    document = inspection.document_data or {}
    with transaction.atomic():
        examination = Examination.objects.create(
            inspection=inspection, border_post=inspection.border_post, model=model, alert=alert, examiner=acting_user(actor),
            verdict=verdict, findings=[{k: str(v)[:500] for k, v in f.items()} for f in findings],
            disposition=disposition, note=note,
            issuing_state=(document.get("issuing_state") or "")[:3],
            document_code=(document.get("document_code") or "")[:2],
            nationality=(document.get("nationality") or "")[:3], route=inspection.transport_id or "")
        for data, light, source, ext, digest in checked:
            image = ExaminationImage(examination=examination, light=light, source=source, sha256=digest)
            image.file.save(f"{digest}.{ext}", ContentFile(data), save=False)
            image.save()
        audit.record(actor=actor, action="documents.examined", object_type="inspection",
                     object_id=str(inspection.id), object_label=f"examination {examination.id}",
                     border_post_code=inspection.border_post.code,
                     after={"verdict": verdict, "disposition": disposition, "images": len(checked)})
    return examination


def examination_image(actor: Actor, image_id: UUID | str) -> ExaminationImage:
    """An examination image, for someone who may examine at its post and may see identities there."""
    image = ExaminationImage.objects.select_related("examination__border_post").filter(id=image_id).first()
    if image is None:
        raise NotFound(_("No such image."))
    post = image.examination.border_post
    authz.require(actor, "documents.examine", post)
    authz.require(actor, "identities.view", post)
    return image
