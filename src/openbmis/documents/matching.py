"""Which fraud alerts a document falls under, and the inspection's ``document_alerts`` check."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from django.db.models import prefetch_related_objects
from django.utils.translation import gettext_noop

from openbmis.inspections import messages
from openbmis.inspections.check_details import DocumentAlertsDetails
from openbmis.inspections.checks import Check, InspectionContext, Outcome
from openbmis.inspections.messages import said


def _normal(number: str) -> str:
    return "".join(ch for ch in number.upper() if ch.isalnum())


def in_window(alert: Any, on: date) -> bool:
    """Whether the alert applies on ``on``: published, not withdrawn, inside its validity window."""
    if alert.withdrawn or not alert.current:
        return False
    if on < alert.valid_from:
        return False
    return alert.valid_until is None or on <= alert.valid_until


def number_in_range(number: str, low: str, high: str) -> bool:
    """Document numbers compare within a range only when they have the same shape as its bounds.

    A passport number is letters and digits of fixed length within a series: ``AB1234567`` lies
    between ``AB1000000`` and ``AB1999999``; a number of another length never falls in the range.
    """
    number, low, high = _normal(number), _normal(low), _normal(high)
    if not number or len(number) != len(low or high):
        return False
    if low and number < low:
        return False
    return not (high and number > high)


def _text(document: Mapping[str, object], name: str) -> str:
    return str(document.get(name) or "").upper()


def matches(alert: Any, document: Mapping[str, object], on: date) -> bool:
    """Whether ``document`` (issuing_state, document_code, document_number) falls under ``alert`` on ``on``."""
    if not in_window(alert, on):
        return False
    if _text(document, "issuing_state") != alert.issuing_state.upper():
        return False
    code = _text(document, "document_code")
    wanted_code = alert.document_code or (alert.model.document_code if alert.model_id else "")
    # ICAO codes: "P" covers "P<", "PP", "PO"...: the alert's code is a prefix of the document's.
    if wanted_code and not code.startswith(wanted_code.upper().rstrip("<")):
        return False
    number = _normal(_text(document, "document_number"))
    series = alert.series or (alert.model.series if alert.model_id else "")
    if series and not number.startswith(_normal(series)):
        return False
    if alert.number_from or alert.number_to:
        return number_in_range(number, alert.number_from, alert.number_to)
    return True


def matching_alerts(document: Mapping[str, object], on: date) -> list[Any]:
    from openbmis.documents.models import FraudAlert

    state = _text(document, "issuing_state")
    candidates = FraudAlert.objects.filter(issuing_state=state, current=True, withdrawn=False).select_related("model")
    found = [alert for alert in candidates if matches(alert, document, on)]
    # the images of the alerts that match only: most documents of a state with alerts match none of them
    prefetch_related_objects(found, "images")
    return found


messages.register({
    "document_alerts.none": gettext_noop("No fraud alert covers this document."),
    # the alerts' own texts (reference, title, how to detect) are headquarters' words, shown as written
    "document_alerts.alert": gettext_noop("Fraud alert: %(alerts)s"),
})


def check_document_alerts(context: InspectionContext) -> Outcome:
    alerts = matching_alerts(context.document, context.local_date)
    if not alerts:
        return Outcome(Check("document_alerts", "pass", "info", said("document_alerts.none")))
    details: DocumentAlertsDetails = {"alerts": [{
        "id": str(alert.id), "reference": alert.reference, "version": alert.version, "severity": alert.severity,
        "title": alert.title, "description": alert.description, "detection": alert.detection,
        "model_id": str(alert.model_id) if alert.model_id else None,
        "images": [str(image.id) for image in alert.images.all()],
    } for alert in alerts]}
    text = " ".join(f"{alert.reference}: {alert.title}. {alert.detection}" for alert in alerts)
    if any(alert.severity == "fail" for alert in alerts):
        return Outcome(Check("document_alerts", "fail", "error", said("document_alerts.alert", alerts=text), details))
    return Outcome(Check("document_alerts", "warn", "warning", said("document_alerts.alert", alerts=text), details))
