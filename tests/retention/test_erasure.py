"""Erasure of one person: every linked record goes, the audit chain still verifies, and the subject-access export
shows nothing but the pseudonymous audit references."""

from __future__ import annotations

import json

import pytest
from django.core.serializers.json import DjangoJSONEncoder

from openbmis.audit import subject_access
from openbmis.audit.models import AuditEvent
from openbmis.audit.refs import traveller_ref
from openbmis.cli.main import main as cli
from openbmis.inspections.models import Crossing, Inspection, Referral, ReferralNote
from openbmis.retention import erasure, services
from openbmis.retention.models import LegalHold
from openbmis.travellers.models import TravelDocument, Traveller
from openbmis.trust.models import ChipVerification

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(old_crossing, mrz_for, admin, auditor):
    """ERASEME, with crossings, a referral with an image note, a chip read, a lifted hold, a subject-access read;
    and KEEPME, who stays."""
    text = mrz_for(document_number="E1234567", primary_identifier="ERASEME")
    entry = old_crossing(text, "entry", days_ago=30)
    old_crossing(text, "exit", days_ago=20)
    referral = Referral.objects.create(inspection=entry.inspection, border_post=entry.border_post, reason="check",
                                       referred_by=admin)
    ReferralNote.objects.create(referral=referral, author=admin, text="page 3", image=b"\xff\xd8x", image_type="image/jpeg")
    ChipVerification.objects.create(status="verified", validated_at=entry.at, inspection_id=entry.inspection_id)
    hold = services.place_hold(auditor, entry.traveller_id, "inquiry")
    services.lift_hold(auditor, hold.id, "closed")
    subject_access.export(auditor, entry.traveller_id)
    keep = old_crossing(mrz_for(document_number="K1234567", primary_identifier="KEEPME"), "entry", days_ago=5)
    return entry.traveller_id, keep


def test_an_administrator_erases_a_person_the_chain_verifies_and_the_export_shows_only_references(
        client, bearer, admin, auditor, person, capsys):
    traveller_id, keep = person
    response = client.post("/api/retention/erasures", {"traveller_id": str(traveller_id), "reason": "request 42"},
                           content_type="application/json", headers=bearer(admin))
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["traveller_ref"] == traveller_ref(traveller_id)
    erased = body["erased"]
    assert erased["inspections.Crossing"] == 2 and erased["inspections.Inspection"] == 2
    assert erased["inspections.ReferralNote"] == 1 and erased["trust.ChipVerification"] == 1
    assert erased["travellers.Traveller"] == 1 and erased["retention.LegalHold"] == 1
    assert not Traveller.objects.filter(pk=traveller_id).exists()
    assert not TravelDocument.objects.filter(number="E1234567").exists()
    assert not Crossing.objects.filter(traveller_id=traveller_id).exists()
    assert not ReferralNote.objects.exists() and not ChipVerification.objects.exists()
    # the other traveller is untouched
    assert Crossing.objects.filter(pk=keep.pk).exists() and Inspection.objects.filter(pk=keep.inspection_id).exists()
    # the event names the person by reference only
    event = AuditEvent.objects.get(action="traveller.erase")
    assert event.object_id == traveller_ref(traveller_id) and event.reason == "request 42"
    assert "ERASEME" not in json.dumps(event.after) and "E1234567" not in json.dumps(event.after)
    # the audit chain still verifies
    assert cli(["audit", "verify"]) == 0, capsys.readouterr()
    # the subject-access export: no records, only the reads and events found through the reference
    export = subject_access.export(auditor, traveller_id)
    assert export["records"] == {}
    assert export["accesses"]  # the earlier subject-access read, found through the reference
    text = json.dumps(export, cls=DjangoJSONEncoder)
    assert "ERASEME" not in text and "E1234567" not in text
    response = client.get(f"/api/audit/subject-access/{traveller_id}", headers=bearer(auditor))
    assert response.status_code == 200 and response.json()["records"] == {}


def test_erasure_is_refused_under_a_legal_hold_for_other_roles_and_without_a_reason(client, bearer, admin, auditor,
                                                                                     officer, person):
    traveller_id, _keep = person
    services.place_hold(auditor, traveller_id, "court order")
    held = client.post("/api/retention/erasures", {"traveller_id": str(traveller_id), "reason": "request"},
                       content_type="application/json", headers=bearer(admin))
    assert held.status_code == 409 and "legal hold" in held.json()["detail"]
    for user in (auditor, officer):
        refused = client.post("/api/retention/erasures", {"traveller_id": str(traveller_id), "reason": "r"},
                              content_type="application/json", headers=bearer(user))
        assert refused.status_code == 403
    blank = client.post("/api/retention/erasures", {"traveller_id": str(traveller_id), "reason": " "},
                        content_type="application/json", headers=bearer(admin))
    assert blank.status_code in (400, 422) and "reason" in blank.content.decode()
    assert Traveller.objects.filter(pk=traveller_id).exists()
    assert LegalHold.objects.in_force().count() == 1


def test_the_console_erases_with_confirmation(person, capsys):
    traveller_id, _keep = person
    assert cli(["traveller", "erase", str(traveller_id), "--reason", "request 7"]) == 2
    assert Traveller.objects.filter(pk=traveller_id).exists()
    assert cli(["traveller", "erase", str(traveller_id), "--reason", "request 7", "--yes"]) == 0
    assert json.loads(capsys.readouterr().out.strip().splitlines()[-1])["erased"]["travellers.Traveller"] == 1
    assert not Traveller.objects.filter(pk=traveller_id).exists()
    assert cli(["traveller", "erase", str(traveller_id), "--reason", "again", "--yes"]) == 2
    assert "no traveller" in capsys.readouterr().err


def test_records_that_carry_the_persons_number_without_a_link_are_exported_and_erased(person, auditor):
    """A visa registered by passport number only is the person's record: the export shows it and erasure
    deletes it. Another country's passport with the same number is another person's: it stays."""
    from datetime import date

    from openbmis.permits.models import Visa

    traveller_id, _keep = person
    common = dict(entries="single", valid_from=date(2026, 1, 1), valid_until=date(2027, 1, 1), duration_days=30)
    mine = Visa.objects.create(number="V1", surname="ERASEME", nationality="KEN", passport_number="E1234567",
                               **common)
    other = Visa.objects.create(number="V2", surname="NAMESAKE", nationality="UGA", passport_number="E1234567",
                                **common)
    exported = subject_access.export(auditor, traveller_id)
    visas = exported["records"]["permits.Visa"]
    assert [str(v["id"]) for v in visas] == [str(mine.id)]
    assert visas[0]["passport_number"] == "E1234567" and "passport_number_index" not in visas[0]
    counts = erasure.erase("console", traveller_id, "request 43")
    assert counts["permits.Visa"] == 1
    assert not Visa.objects.filter(pk=mine.pk).exists() and Visa.objects.filter(pk=other.pk).exists()
