"""The library and its alerts as a signed bundle: headquarters exports, border posts import.

A bundle is a zip: ``library.json`` (models, features, alerts, and the SHA-256 of every image),
``images/<sha256>.<ext>``, and ``signature.json`` (the Ed25519 signature of ``library.json`` and the
signer's public key).  Import refuses a bundle whose signature does not verify with the trusted key
or whose images differ from the hashes the signed JSON lists: nothing is applied then.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import zipfile
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext, ngettext

from openbmis.accounts.actors import Actor
from openbmis.audit import anchors
from openbmis.audit import services as audit
from openbmis.core import installation
from openbmis.core.errors import InvalidInput
from openbmis.documents.models import AlertImage, DocumentModel, FraudAlert, ReferenceImage, SecurityFeature

FORMAT = "openbmis-documents-bundle/1"
MAX_BUNDLE_BYTES = 512 * 1024 * 1024


class BundleRefused(InvalidInput):
    """The bundle is not what its signer signed (or not a bundle at all)."""


def signing_key() -> Ed25519PrivateKey:
    return anchors.load_or_create_signing_key(Path(settings.OPENBMIS_DOCUMENTS_SIGNING_KEY_FILE))


def public_key_pem(key: Ed25519PrivateKey) -> bytes:
    return key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)


def _date(value: Any) -> str | None:
    return value.isoformat() if value else None


def export_bundle(key: Ed25519PrivateKey | None = None) -> bytes:
    """Every document model and every alert version, with their images, signed."""
    key = key or signing_key()
    images: dict[str, bytes] = {}

    def keep(field: Any, digest: str) -> str:
        name = f"images/{digest}{Path(field.name).suffix}"
        if name not in images:
            with field.open("rb") as handle:
                images[name] = handle.read()
        return name

    models = []
    for model in DocumentModel.objects.prefetch_related("images", "features"):
        models.append({
            "id": str(model.id), "issuing_state": model.issuing_state, "document_code": model.document_code,
            "name": model.name, "series": model.series, "issued_from": _date(model.issued_from),
            "issued_until": _date(model.issued_until), "validity_years": model.validity_years,
            "source": model.source, "notes": model.notes,
            "images": [{"id": str(i.id), "page": i.page, "light": i.light, "sha256": i.sha256,
                        "file": keep(i.file, i.sha256)} for i in model.images.all()],
            "features": [{"id": str(f.id), "kind": f.kind, "name": f.name, "description": f.description,
                          "image": str(f.image_id) if f.image_id else None,
                          "box": [f.x, f.y, f.width, f.height] if f.x is not None else None}
                         for f in model.features.all()],
        })
    alerts = []
    for alert in FraudAlert.objects.prefetch_related("images"):
        alerts.append({
            "id": str(alert.id), "reference": alert.reference, "version": alert.version, "current": alert.current,
            "model": str(alert.model_id) if alert.model_id else None, "issuing_state": alert.issuing_state,
            "document_code": alert.document_code, "series": alert.series, "number_from": alert.number_from,
            "number_to": alert.number_to, "title": alert.title, "description": alert.description,
            "detection": alert.detection, "severity": alert.severity, "valid_from": _date(alert.valid_from),
            "valid_until": _date(alert.valid_until), "withdrawn": alert.withdrawn,
            "published_at": alert.published_at.isoformat(),
            "images": [{"id": str(i.id), "caption": i.caption, "light": i.light, "sha256": i.sha256,
                        "file": keep(i.file, i.sha256)} for i in alert.images.all()],
        })
    library = json.dumps({"format": FORMAT, "exported_at": timezone.now().isoformat(), "models": models,
                          "alerts": alerts}, sort_keys=True, indent=1).encode()
    signature = {"algorithm": "Ed25519", "signed": "library.json",
                 "signature": base64.b64encode(key.sign(library)).decode(),
                 "public_key": public_key_pem(key).decode()}
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("library.json", library)
        archive.writestr("signature.json", json.dumps(signature, indent=1))
        for name, data in sorted(images.items()):
            archive.writestr(name, data)
    return out.getvalue()


def read_bundle(data: bytes, trusted: Ed25519PublicKey) -> tuple[dict[str, Any], dict[str, bytes]]:
    """Verify a bundle against the trusted key; return its library and its images by file name."""
    if len(data) > MAX_BUNDLE_BYTES:
        raise BundleRefused(ngettext("The bundle is larger than %(limit)d byte.", "The bundle is larger than %(limit)d bytes.",
                                     MAX_BUNDLE_BYTES) % {"limit": MAX_BUNDLE_BYTES}, field="bundle")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = set(archive.namelist())
        if not {"library.json", "signature.json"} <= names:
            raise BundleRefused(gettext("Not a documents bundle: library.json or signature.json is missing."), field="bundle")
        library_bytes = archive.read("library.json")
        signature = json.loads(archive.read("signature.json"))
        files = {name: archive.read(name) for name in names if name.startswith("images/")}
    except (zipfile.BadZipFile, json.JSONDecodeError, KeyError, OSError) as exc:
        raise BundleRefused(gettext("Not a readable documents bundle (%(kind)s).")
                            % {"kind": type(exc).__name__}, field="bundle") from None
    try:
        trusted.verify(base64.b64decode(signature.get("signature", "")), library_bytes)
    except (InvalidSignature, ValueError, TypeError):
        raise BundleRefused(gettext("The bundle's signature does not verify with the trusted headquarters key: "
                            "it was altered or signed by someone else. Nothing was imported."),
                            field="signature") from None
    library = json.loads(library_bytes)
    if library.get("format") != FORMAT:
        raise BundleRefused(gettext("Unknown bundle format %(format)r; expected %(expected)s.")
                            % {"format": library.get('format'), "expected": FORMAT}, field="format")
    for entry in [i for m in library["models"] for i in m["images"]] + [i for a in library["alerts"]
                                                                        for i in a["images"]]:
        content = files.get(entry["file"])
        if content is None or hashlib.sha256(content).hexdigest() != entry["sha256"]:
            raise BundleRefused(gettext("The image %(file)s is missing or differs from the signed library. Nothing was imported.")
                                % {"file": entry['file']}, field="images")
    return library, files


def _store(field: Any, name: str, data: bytes) -> None:
    field.save(Path(name).name, ContentFile(data), save=False)


def import_bundle(data: bytes, trusted: Ed25519PublicKey, *, actor: Actor = "cli") -> dict[str, int]:
    """Apply a verified bundle: models and alerts are replaced by headquarters' copy (matched by id)."""
    library, files = read_bundle(data, trusted)
    counts = {"models": 0, "alerts": 0, "images": 0}
    # A verified bundle is headquarters' publication: a node applies it to its read-only copy.
    with transaction.atomic(), installation.headquarters_changes():
        for m in library["models"]:
            model, _ = DocumentModel.objects.update_or_create(id=m["id"], defaults={
                k: m[k] for k in ("issuing_state", "document_code", "name", "series", "issued_from", "issued_until",
                                  "validity_years", "source", "notes")} | {"updated_at": timezone.now()})
            model.features.all().delete()
            keep_images = {i["id"] for i in m["images"]}
            model.images.exclude(id__in=keep_images).delete()
            for i in m["images"]:
                image = ReferenceImage.objects.filter(id=i["id"]).first()
                if image is None or image.sha256 != i["sha256"]:
                    image = image or ReferenceImage(id=i["id"], model=model)
                    image.page, image.light, image.sha256 = i["page"], i["light"], i["sha256"]
                    _store(image.file, i["file"], files[i["file"]])
                    image.save()
                    counts["images"] += 1
            for f in m["features"]:
                box = dict(zip(("x", "y", "width", "height"), f["box"], strict=True)) if f["box"] else {}
                SecurityFeature.objects.create(id=f["id"], model=model, kind=f["kind"], name=f["name"],
                                               description=f["description"], image_id=f["image"], **box)
            counts["models"] += 1
        for a in library["alerts"]:
            fields = {k: a[k] for k in ("reference", "version", "current", "issuing_state", "document_code", "series",
                                        "number_from", "number_to", "title", "description", "detection", "severity",
                                        "valid_from", "valid_until", "withdrawn", "published_at")}
            alert, created = FraudAlert.objects.update_or_create(id=a["id"], defaults=fields | {"model_id": a["model"]})
            if created:
                for i in a["images"]:
                    alert_image = AlertImage(id=i["id"], alert=alert, caption=i["caption"], light=i["light"],
                                             sha256=i["sha256"])
                    _store(alert_image.file, i["file"], files[i["file"]])
                    alert_image.save()
                    counts["images"] += 1
            counts["alerts"] += 1
        audit.record(actor=actor, action="documents.bundle_imported", object_type="documents_library",
                     object_label=library.get("exported_at", ""), after=counts)
    return counts
