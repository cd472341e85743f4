"""Fraud alerts: which documents they cover (model, series, number range, validity window) and their versions."""

from __future__ import annotations

from datetime import date

import pytest

from openbmis.audit.models import AuditEvent
from openbmis.core.errors import InvalidInput
from openbmis.documents import matching, services
from openbmis.documents.models import FraudAlert

pytestmark = pytest.mark.django_db
DAY = date(2026, 6, 15)


def _doc(number="X1234567", state="KEN", code="P"):
    return {"issuing_state": state, "document_code": code, "document_number": number}


def _alert(expert, **fields):
    base = {"issuing_state": "KEN", "title": "Counterfeit", "description": "Offset print", "detection": "No UV",
            "valid_from": date(2026, 1, 1)}
    return services.publish_alert(expert, **{**base, **fields})


@pytest.mark.parametrize(("fields", "document", "on", "expected"), [
    ({}, _doc(), DAY, True),
    ({}, _doc(state="UGA"), DAY, False),
    ({"document_code": "P"}, _doc(code="PO"), DAY, True),
    ({"document_code": "I"}, _doc(code="P"), DAY, False),
    ({"series": "X1"}, _doc("X1234567"), DAY, True),
    ({"series": "X2"}, _doc("X1234567"), DAY, False),
    ({"number_from": "X1200000", "number_to": "X1299999"}, _doc("X1234567"), DAY, True),
    ({"number_from": "X1200000", "number_to": "X1299999"}, _doc("X1200000"), DAY, True),
    ({"number_from": "X1200000", "number_to": "X1299999"}, _doc("X1299999"), DAY, True),
    ({"number_from": "X1200000", "number_to": "X1299999"}, _doc("X1300000"), DAY, False),
    ({"number_from": "X1200000", "number_to": "X1299999"}, _doc("X11999999"), DAY, False),  # other length
    ({"valid_from": date(2026, 7, 1)}, _doc(), DAY, False),
    ({"valid_until": date(2026, 6, 14)}, _doc(), DAY, False),
    ({"valid_until": date(2026, 6, 15)}, _doc(), DAY, True),
])
def test_what_an_alert_covers(expert, fields, document, on, expected):
    alert = _alert(expert, **fields)
    assert matching.matches(alert, document, on) is expected
    assert (alert in matching.matching_alerts(document, on)) is expected


def test_an_alert_on_a_model_takes_its_code_and_series(expert, kenyan_model):
    alert = _alert(expert, model=kenyan_model)
    assert alert.document_code == "P"
    assert matching.matches(alert, _doc("X9999999"), DAY)
    assert not matching.matches(alert, _doc("A9999999"), DAY)  # outside the model's series X


def test_a_new_version_replaces_the_old_and_both_are_audited(expert, image_bytes):
    first = _alert(expert, images=[(image_bytes(), "forged data page", "uv")])
    second = services.publish_alert(expert, reference=first.reference, issuing_state="KEN", title="Counterfeit v2",
                                    description="d", detection="Check the laser perforation",
                                    valid_from=date(2026, 1, 1), severity="fail")
    first.refresh_from_db()
    assert (first.version, first.current, second.version, second.current) == (1, False, 2, True)
    assert [a.title for a in matching.matching_alerts(_doc(), DAY)] == ["Counterfeit v2"]
    events = AuditEvent.objects.filter(action="documents.alert_published").order_by("seq")
    assert [e.after["title"] for e in events] == ["Counterfeit", "Counterfeit v2"]
    assert events[1].before["title"] == "Counterfeit"
    assert first.images.get().file.read() == image_bytes()


def test_a_withdrawn_alert_no_longer_matches(expert):
    alert = _alert(expert)
    with pytest.raises(InvalidInput):
        services.withdraw_alert(expert, alert, " ")
    services.withdraw_alert(expert, alert, "recalled")
    assert matching.matching_alerts(_doc(), DAY) == []
    assert AuditEvent.objects.filter(action="documents.alert_withdrawn", reason="recalled").exists()


@pytest.mark.parametrize(("fields", "field"), [
    ({"title": ""}, "title"),
    ({"valid_until": date(2025, 1, 1)}, "valid_until"),
    ({"number_from": "X1"}, "number_to"),
    ({"number_from": "X1", "number_to": "X100"}, "number_to"),
    ({"severity": "block"}, "severity"),
])
def test_bad_alerts_are_refused_naming_the_field(expert, fields, field):
    with pytest.raises(InvalidInput) as caught:
        _alert(expert, **fields)
    assert caught.value.field == field
    assert not FraudAlert.objects.exists()


def test_an_alert_image_must_be_an_image(expert):
    with pytest.raises(InvalidInput, match="not a readable image"):
        _alert(expert, images=[(b"not an image", "x", "visible")])
    assert not FraudAlert.objects.exists()
