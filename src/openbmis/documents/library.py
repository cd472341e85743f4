"""Reading the reference library and the alerts in force (queries; writes are in services)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import QuerySet

from openbmis.documents.matching import in_window
from openbmis.documents.models import DocumentModel, FraudAlert


def search(issuing_state: str | None = None, document_code: str | None = None) -> QuerySet[DocumentModel]:
    models = DocumentModel.objects.prefetch_related("features", "images")
    if issuing_state:
        models = models.filter(issuing_state=issuing_state.strip().upper())
    if document_code:
        models = models.filter(document_code__startswith=document_code.strip().upper()[:1])
    return models


def for_document(document: dict[str, Any]) -> list[DocumentModel]:
    """The library's models for an inspected document (its issuing state and code)."""
    code = (document.get("document_code") or "").upper()
    return [m for m in search(document.get("issuing_state") or "-", code[:1] or None)
            if code.startswith(m.document_code.rstrip("<"))]


def alerts_in_force(issuing_state: str | None, on: date) -> list[FraudAlert]:
    alerts = FraudAlert.objects.filter(current=True, withdrawn=False).select_related("model")
    if issuing_state:
        alerts = alerts.filter(issuing_state=issuing_state.strip().upper())
    return [alert for alert in alerts if in_window(alert, on)]


def model_summary(model: DocumentModel) -> dict[str, Any]:
    return {
        "id": str(model.id), "issuing_state": model.issuing_state, "document_code": model.document_code,
        "name": model.name, "series": model.series, "source": model.source,
        "issued_from": model.issued_from, "issued_until": model.issued_until, "validity_years": model.validity_years,
        "images": [{"id": str(i.id), "page": i.page, "light": i.light} for i in model.images.all()],
        "features": [{"kind": f.kind, "name": f.name, "description": f.description,
                      "image": str(f.image_id) if f.image_id else None,
                      "box": [f.x, f.y, f.width, f.height] if f.x is not None else None}
                     for f in model.features.all()],
    }


def alert_summary(alert: FraudAlert) -> dict[str, Any]:
    return {
        "id": str(alert.id), "reference": alert.reference, "version": alert.version, "severity": alert.severity,
        "issuing_state": alert.issuing_state, "document_code": alert.document_code, "series": alert.series,
        "number_from": alert.number_from, "number_to": alert.number_to, "title": alert.title,
        "description": alert.description, "detection": alert.detection, "valid_from": alert.valid_from,
        "valid_until": alert.valid_until, "model": str(alert.model_id) if alert.model_id else None,
    }
