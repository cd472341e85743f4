"""The capacity pages through the test client: fill in an assessment, add a finding and an action, close it,
open the report; register equipment; plan a session, enrol, certify; who may open what."""

from __future__ import annotations

import datetime

from openbmis.capacity import services
from openbmis.capacity.models import ActionItem, Assessment, Certificate, Equipment


def test_assessor_fills_in_an_assessment_in_the_page(two_posts, make_user, session_client):
    assessor = make_user("assessor", two_posts[0])
    client = session_client(assessor)
    page = client.get("/capacity/assessments/new/")
    assert page.status_code == 200 and b"TST-A" in page.content and b"TST-B" not in page.content
    response = client.post("/capacity/assessments/new/", {"border_post": "TST-A", "visit_date": "2026-11-02",
                                                           "team": "Mission"})
    assessment = Assessment.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/capacity/assessments/{assessment.id}/")
    page = client.get(response["Location"])
    assert page.status_code == 200 and b'name="q-INF-FLOWS"' in page.content
    assert b'id="capacity-chart-data"' in page.content
    bad = client.post(response["Location"], {"form": "answers", "q-INF-FLOWS": "7"})
    assert bad.status_code == 400 and b"INF-FLOWS" in bad.content
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16
    from django.core.files.uploadedfile import SimpleUploadedFile

    saved = client.post(response["Location"], {"form": "answers", "q-INF-FLOWS": "3", "q-INF-SECONDARY": "yes",
                                               "q-INF-LANES": "1", "note-INF-FLOWS": "barriers",
                                               "q-INF-PHOTO": SimpleUploadedFile("p.png", png, "image/png")})
    assert saved.status_code == 302
    assessment.refresh_from_db()
    assert assessment.answers["INF-FLOWS"] == {"value": 3, "note": "barriers"}
    assert assessment.photos.count() == 1
    assert client.post(response["Location"], {"form": "finding", "text": "No UV lamp", "severity": "high",
                                              "section": "equipment"}).status_code == 302
    assert client.post(response["Location"], {"form": "action", "title": "Buy UV lamps", "owner": "Commander",
                                              "due_date": "2027-01-31", "cost_estimate": "300"}).status_code == 302
    action = ActionItem.objects.get()
    refused = client.post(response["Location"], {"form": "action_status", "action": str(action.id),
                                                 "status": "done"})
    assert refused.status_code == 400 and b"evidence" in refused.content
    client.post(response["Location"], {"form": "action_status", "action": str(action.id), "status": "done",
                                       "evidence": "Invoice 42"})
    action.refresh_from_db()
    assert action.status == "done"
    report = client.get(f"/capacity/assessments/{assessment.id}/report.pdf")
    assert report.status_code == 200 and report.content.startswith(b"%PDF-")
    overview = client.get("/capacity/")
    assert overview.status_code == 200 and b"TST-A" in overview.content


def test_other_posts_assessments_are_closed_to_a_post_scoped_reader(two_posts, make_user, session_client):
    chief = make_user("assessor", None)
    in_b = services.create_assessment(chief, border_post=two_posts[1], visit_date=datetime.date(2026, 11, 2))
    reader = make_user("supervisor", two_posts[0])
    client = session_client(reader)
    assert client.get(f"/capacity/assessments/{in_b.id}/").status_code == 403
    assert client.get(f"/capacity/assessments/{in_b.id}/report.pdf").status_code == 403
    own = services.create_assessment(chief, border_post=two_posts[0], visit_date=datetime.date(2026, 11, 2))
    page = client.get(f"/capacity/assessments/{own.id}/")
    assert page.status_code == 200 and b'data-testid="save"' not in page.content  # reads, does not edit
    assert client.post(f"/capacity/assessments/{own.id}/", {"form": "answers"}).status_code == 403


def test_equipment_page_registers_and_shows_missing_readers(two_posts, make_user, session_client):
    supervisor = make_user("supervisor", two_posts[0])
    client = session_client(supervisor)
    page = client.get("/capacity/equipment/")
    assert b"TST-A: no working document reader at lane(s) A1" in page.content
    assert client.post("/capacity/equipment/", {"border_post": "TST-A", "kind": "document_reader", "lane": "A1",
                                                "status": "working"}).status_code == 302
    assert Equipment.objects.filter(border_post=two_posts[0]).count() == 1
    assert b"no working document reader" not in client.get("/capacity/equipment/").content
    assert client.post("/capacity/equipment/", {"border_post": "TST-B", "kind": "camera"}).status_code == 403


def test_training_pages_plan_enrol_and_certify(two_posts, make_user, session_client):
    coordinator = make_user("training_coordinator", None)
    officer = make_user(None, username="amina")
    client = session_client(coordinator)
    assert client.post("/training/", {"form": "course", "code": "PRIM-1", "title": "Primary line", "hours": "40",
                                      "level": "basic", "validity_months": "24"}).status_code == 302
    planned = client.post("/training/", {"form": "session", "course": "PRIM-1", "starts_on": "2026-10-05",
                                         "ends_on": "2026-10-09", "capacity": "10", "place": "Moshi"})
    assert planned.status_code == 302
    session_url = planned["Location"]
    client.post(session_url, {"form": "enrol", "username": "amina"})
    enrolment = officer.enrolments.get()
    client.post(session_url, {"form": "result", "enrolment": str(enrolment.id), "attended": "yes",
                              "result": "passed"})
    cert = Certificate.objects.get(holder=officer)
    page = client.get(session_url)
    assert cert.number.encode() in page.content
    pdf = client.get(f"/training/certificates/{cert.number}.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")
    _the_certificate_prints_in_arabic(client.get(f"/training/certificates/{cert.number}.pdf",
                                                 HTTP_ACCEPT_LANGUAGE="ar").content, cert)
    assert client.post("/training/", {"form": "prerequisite", "role": "primary_officer",
                                      "course": "PRIM-1"}).status_code == 403  # administrators only


def test_the_post_page_shows_its_equipment_and_missing_readers_to_capacity_readers(two_posts, make_user,
                                                                                    session_client):
    supervisor = make_user("supervisor", two_posts[0])
    services.register_equipment(supervisor, two_posts[0], kind="uv_lamp", lane="A1")
    page = session_client(supervisor).get("/border-posts/TST-A/")
    assert b'data-testid="capacity-panel"' in page.content and b"UV lamp" in page.content
    assert b"No working document reader at lane(s) A1." in page.content
    officer = make_user("primary_officer", two_posts[0])
    page = session_client(officer).get("/border-posts/TST-A/")
    assert page.status_code == 200 and b"capacity-panel" not in page.content


def test_the_users_page_warns_or_refuses_a_role_without_its_certificates(two_posts, make_user, session_client,
                                                                         settings):
    admin = make_user("administrator", None)
    course = services.create_course(admin, code="PRIM-1", title="Primary line", hours=40)
    services.add_prerequisite(admin, role="primary_officer", course=course)
    make_user(None, username="peter")
    client = session_client(admin)
    page = client.post("/account/users/peter/", {"role": "primary_officer", "border_post": str(two_posts[0].id)},
                       follow=True)
    assert b"Role assigned." in page.content and b"PRIM-1" in page.content
    settings.OPENBMIS_CERTIFICATION_ON_ASSIGN = "refuse"
    make_user(None, username="paul")
    page = client.post("/account/users/paul/", {"role": "primary_officer", "border_post": str(two_posts[0].id)},
                       follow=True)
    assert b"Role assigned." not in page.content and b"PRIM-1" in page.content
    from openbmis.accounts.models import RoleAssignment

    assert not RoleAssignment.objects.filter(user__username="paul").exists()


def _the_certificate_prints_in_arabic(document: bytes, cert) -> None:
    """Issue 20: a printed form in Arabic, in the shipped font that has the glyphs, letters joined, and the
    dates day first; rendered, its title leaves ink."""
    import pypdfium2
    from django.utils import translation

    assert b"DejaVuSans" in document, "the certificate must embed the shipped font (Helvetica has no Arabic)"
    page = pypdfium2.PdfDocument(document)[0]
    text = page.get_textpage().get_text_range()
    with translation.override("ar"):
        title = translation.gettext("Certificate of training")
    assert title != "Certificate of training"
    arabic = [c for c in text if "\u0600" <= c <= "\u06ff" or "\ufb50" <= c <= "\ufeff"]
    assert len(arabic) > 20, text[:200]
    assert cert.issued_on.strftime("%d/%m/%Y") in text
    image = page.render(scale=1).to_pil().convert("L")
    assert sum(image.histogram()[:128]) > 500  # dark pixels: ink, not empty boxes
