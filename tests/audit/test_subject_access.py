"""The traveller's right of access: everything held on a person, as JSON and PDF (issue 14)."""

from __future__ import annotations

from openbmis.audit.models import AuditEvent


def test_the_export_holds_every_record_of_the_person_and_who_read_them(inspect, decide, mrz_for, officer, client,
                                                                       bearer, make_user, session_client):
    data = inspect(mrz=mrz_for()).json()
    decide(data["id"], decision="admit")
    person = data["traveller"]["id"]
    other = inspect(mrz=mrz_for(document_number="Z7654321", primary_identifier="KARIUKI")).json()
    assert client.get(f"/api/travellers/{person}", headers=bearer(officer)).status_code == 200  # a read
    auditor = make_user("auditor")
    response = client.get(f"/api/audit/subject-access/{person}", headers=bearer(auditor))
    assert response.status_code == 200, response.content
    export = response.json()
    records = export["records"]
    assert [t["id"] for t in records["travellers.Traveller"]] == [person]
    assert [d["number"] for d in records["travellers.TravelDocument"]] == ["X1234567"]
    assert [i["id"] for i in records["inspections.Inspection"]] == [data["id"]]
    assert [c["decision"] for c in records["inspections.Crossing"]] == ["admit"]
    # Nothing of another person.
    flat = str(records)
    assert other["traveller"]["id"] not in flat and "KARIUKI" not in flat and "Z7654321" not in flat
    # Who read the records: the officer's read is there.
    assert any(a["who"] == officer.username and a["purpose"] == "api:get_traveller" for a in export["accesses"])
    assert any(e["action"].startswith("inspection.") for e in export["audit_events"])
    # The export is itself a read and an audited act.
    assert AuditEvent.objects.filter(action="traveller.subject_access", actor_label=auditor.username).exists()
    assert AuditEvent.objects.filter(action="access.traveller", actor_label=auditor.username,
                                     after__purpose="subject_access").exists()
    # The PDF, from the API and from the auditor's page.
    pdf = client.get(f"/api/audit/subject-access/{person}", {"format": "pdf"}, headers=bearer(auditor))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    import pypdfium2

    document = pypdfium2.PdfDocument(pdf.content)
    text = "".join(document[n].get_textpage().get_text_range() for n in range(len(document)))
    assert "X1234567" in text and "ODHIAMBO" in text and officer.username in text
    page = session_client(auditor).get(f"/audit/subject-access/{person}/")
    assert page.status_code == 200 and page.content.startswith(b"%PDF")
    listing = session_client(auditor).get("/audit/accesses/", {"traveller": person}).content.decode()
    assert f"/audit/subject-access/{person}/" in listing


def test_only_auditors_export_and_an_unknown_traveller_is_404(client, bearer, officer, make_user):
    import uuid

    assert client.get(f"/api/audit/subject-access/{uuid.uuid4()}", headers=bearer(officer)).status_code == 403
    auditor = make_user("auditor")
    assert client.get(f"/api/audit/subject-access/{uuid.uuid4()}", headers=bearer(auditor)).status_code == 404


def test_identities_merged_into_the_person_are_part_of_the_export(db, make_user):
    from openbmis.audit import subject_access
    from openbmis.travellers.models import TravelDocument, Traveller

    kept = Traveller.objects.create(primary_identifier="NJERI", nationality="KEN")
    folded = Traveller.objects.create(primary_identifier="NJERI", nationality="KEN", merged_into=kept)
    TravelDocument.objects.create(traveller=folded, document_code="P", issuing_state="KEN", number="N1")
    export = subject_access.export(make_user("auditor"), kept.pk)
    assert set(export["identities"]) == {str(kept.pk), str(folded.pk)}
    assert [d["number"] for d in export["records"]["travellers.TravelDocument"]] == ["N1"]
