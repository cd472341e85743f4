"""The pages: list, detail with reconciliation, the queue's judgement form, compliance, upload."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from openbmis.manifests import services
from openbmis.manifests.models import PreArrivalHit

from .helpers import manifest_text


def test_queue_judgement_form(session_client, make_user, airport, carrier, watchlist, passengers):
    manifest = services.ingest("test", manifest_text(passengers), source="cli").manifests[0]
    client = session_client(make_user("prearrival_officer", airport))
    page = client.get("/manifests/queue/")
    assert page.status_code == 200 and b"DOE" in page.content
    hit = PreArrivalHit.objects.get()
    refused = client.post("/manifests/queue/", {"hit": str(hit.id), "status": "no_match", "reason": ""})
    assert refused.status_code == 400
    done = client.post("/manifests/queue/", {"hit": str(hit.id), "status": "no_match", "reason": "not him"})
    assert done.status_code == 302
    hit.refresh_from_db()
    assert (hit.status, hit.reason) == ("no_match", "not him")
    detail = client.get(f"/manifests/{manifest.id}/")
    assert detail.status_code == 200 and b"3 listed, 0 arrived" in detail.content
    assert b"UA123" in client.get("/manifests/").content
    assert client.get("/manifests/compliance/").status_code == 200


def test_upload_page(session_client, make_user, airport, carrier, passengers):
    client = session_client(make_user("administrator", None))
    upload = SimpleUploadedFile("m.edi", manifest_text(passengers).encode())
    page = client.post("/manifests/upload/", {"file": upload})
    assert page.status_code == 200 and b"UA123" in page.content
    bad = client.post("/manifests/upload/", {"file": SimpleUploadedFile("x.edi", b"junk")})
    assert bad.status_code == 400 and b"not a PAXLST interchange" in bad.content


def test_reading_manifests_and_the_prearrival_queue_is_in_the_access_log(session_client, client, bearer, make_user,
                                                                         airport, carrier, watchlist, passengers):
    from openbmis.audit.models import AuditEvent

    manifest = services.ingest("test", manifest_text(passengers), source="cli").manifests[0]
    officer = make_user("prearrival_officer", airport)
    web = session_client(officer)
    assert web.get("/manifests/queue/").status_code == 200
    assert web.get(f"/manifests/{manifest.id}/").status_code == 200
    assert client.get(f"/api/manifests/{manifest.id}", headers=bearer(officer)).status_code == 200
    assert client.get("/api/prearrival/hits", {"border_post": "JFK"}, headers=bearer(officer)).status_code == 200
    reads = {e.after["purpose"]: e for e in AuditEvent.objects.filter(action__startswith="access.",
                                                                         actor_label=officer.username)}
    assert set(reads) >= {"page:prearrival_queue", "page:manifest", "api:get_manifest", "api:prearrival_hits"}
    persons = {str(p) for p in manifest.persons.values_list("id", flat=True)}
    assert set(reads["page:manifest"].after["ids"]) == persons
    hit = str(PreArrivalHit.objects.get().id)
    assert reads["page:prearrival_queue"].after["ids"] == [hit] and reads["api:prearrival_hits"].after["ids"] == [hit]
    assert "DOE" not in str(reads["page:manifest"].after)
