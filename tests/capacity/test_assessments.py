"""Assessments end to end over the API: prefill, answers, scores, findings, the action plan, the PDF report,
the equipment register; and the audit trail of each write."""

from __future__ import annotations

import datetime

import pytest

from openbmis.audit.models import AuditEvent
from openbmis.capacity import services
from openbmis.capacity.models import Assessment


def pdf_text(pdf: bytes) -> str:
    """The text drawn in a PDF, as a reader's text extraction gives it (pypdfium2)."""
    import pypdfium2

    return "\n".join(page.get_textpage().get_text_range() for page in pypdfium2.PdfDocument(pdf))


@pytest.fixture
def assessor(make_user, two_posts):
    return make_user("assessor", two_posts[0], username="assessor")


def test_assessment_prefills_answers_scores_and_refuses_bad_answers(two_posts, assessor, api):
    post_a, _ = two_posts
    made = api(assessor, "POST", "/api/capacity/assessments",
               {"border_post": "TST-A", "visit_date": "2026-11-02", "team": "IOM mission"})
    assert made.status_code == 201, made.content
    body = made.json()
    assert body["prefill"]["lanes"] == 1 and body["prefill"]["document_readers"] == 0
    assert body["prefill"]["lanes_without_reader"] == ["A1"]
    assert body["answers"]["INF-LANES"] == {"value": 1, "prefilled": True}
    # readers against lanes: none of one -> that question scores 0, so the equipment section is 0
    assert next(s for s in body["scores"]["sections"] if s["code"] == "equipment")["score"] == 0.0
    url = f"/api/capacity/assessments/{body['id']}/answers"
    bad = api(assessor, "PUT", url, {"answers": {"INF-FLOWS": 4, "EQP-DOCKIT": 9}})
    assert bad.status_code == 422 and bad.json()["field"] == "EQP-DOCKIT"
    assert Assessment.objects.get().answers.get("INF-FLOWS") is None  # nothing half-applied
    good = api(assessor, "PUT", url, {"answers": {"INF-FLOWS": 4, "INF-SECONDARY": "no", "EQP-READERS": 1,
                                                  "COO-OSBP": "operating"},
                                      "notes": {"INF-FLOWS": "new barriers in 2025"}})
    assert good.status_code == 200, good.content
    scores = {s["code"]: s["score"] for s in good.json()["scores"]["sections"]}
    # INF-FLOWS weight 2 at 4/4, INF-SECONDARY weight 1 at 0 -> 66.7
    assert scores["infrastructure"] == 66.7
    assert scores["cooperation"] == 100.0
    assert good.json()["answers"]["INF-FLOWS"] == {"value": 4, "note": "new barriers in 2025"}
    unknown = api(assessor, "PUT", url, {"answers": {"NOPE": 1}})
    assert unknown.status_code == 422 and unknown.json()["field"] == "NOPE"
    assert api(assessor, "POST", f"/api/capacity/assessments/{body['id']}/submit").status_code == 200
    late = api(assessor, "PUT", url, {"answers": {"INF-FLOWS": 1}})
    assert late.status_code == 409
    actions = set(AuditEvent.objects.filter(action__startswith="capacity.").values_list("action", flat=True))
    assert actions >= {"capacity.assessment_create", "capacity.answers", "capacity.assessment_submit",
                       "capacity.template_create"}


def test_findings_name_courses_and_the_action_plan_is_followed_to_closure(two_posts, assessor, make_user, api):
    coordinator = make_user("training_coordinator", None)
    api(coordinator, "POST", "/api/training/courses", {"code": "DOC-1", "title": "Document examination level 1",
                                                       "hours": 24, "validity_months": 36})
    made = api(assessor, "POST", "/api/capacity/assessments",
               {"border_post": "TST-A", "visit_date": "2026-11-02"}).json()
    base = f"/api/capacity/assessments/{made['id']}"
    finding = api(assessor, "POST", f"{base}/findings",
                  {"text": "No UV lamp at the primary line", "severity": "high", "section": "equipment",
                   "question": "EQP-DOCKIT", "recommendation": "Equip every lane", "courses": ["doc-1"]})
    assert finding.status_code == 201, finding.content
    wrong = api(assessor, "POST", f"{base}/findings", {"text": "x", "courses": ["NOPE"]})
    assert wrong.status_code == 422 and wrong.json()["field"] == "courses"
    action = api(assessor, "POST", f"{base}/actions",
                 {"title": "Buy UV lamps", "owner": "Post commander", "due_date": "2027-03-31",
                  "cost_estimate": "1200.50", "finding": finding.json()["id"]})
    assert action.status_code == 201, action.content
    assert action.json()["cost_estimate"] == "1200.50"
    action_url = f"/api/capacity/actions/{action.json()['id']}"
    no_evidence = api(assessor, "PATCH", action_url, {"status": "done"})
    assert no_evidence.status_code == 422 and no_evidence.json()["field"] == "evidence"
    done = api(assessor, "PATCH", action_url, {"status": "done", "evidence": "Delivery note 2027-117"})
    assert done.status_code == 200 and done.json()["status"] == "done"
    assert api(assessor, "PATCH", action_url, {"status": "open"}).status_code == 409
    detail = api(assessor, "GET", base).json()
    assert detail["findings"][0]["courses"] == ["DOC-1"]
    assert detail["actions"][0]["evidence"] == "Delivery note 2027-117"
    needs = api(assessor, "GET", "/api/capacity/needs").json()
    assert needs == [{"post": "TST-A", "course": "DOC-1", "title": "Document examination level 1", "officers": 0,
                      "trained": 0, "sessions": []}]
    report = api(assessor, "GET", f"{base}/report.pdf")
    assert report.status_code == 200 and report["Content-Type"] == "application/pdf"
    assert report.content.startswith(b"%PDF-")
    text = pdf_text(report.content)
    assert "Capacity assessment: TST-A Post A" in text
    flat = " ".join(text.split())  # the extraction breaks lines where a table cell wraps
    assert "Buy UV lamps" in flat and "Delivery note 2027-117" in flat, flat
    assert "OHCHR" in text  # the sources are printed
    assert AuditEvent.objects.filter(action="capacity.report").count() == 1


def test_an_assessor_works_only_at_their_post_and_the_national_level_needs_a_national_role(two_posts, assessor,
                                                                                           make_user, api):
    other = api(assessor, "POST", "/api/capacity/assessments", {"border_post": "TST-B", "visit_date": "2026-11-02"})
    assert other.status_code == 403
    national = api(assessor, "POST", "/api/capacity/assessments", {"visit_date": "2026-11-02"})
    assert national.status_code == 403
    chief = make_user("assessor", None)
    made = api(chief, "POST", "/api/capacity/assessments", {"visit_date": "2026-11-02"})
    assert made.status_code == 201 and made.json()["border_post"] is None
    in_b = api(chief, "POST", "/api/capacity/assessments", {"border_post": "TST-B", "visit_date": "2026-11-03"})
    assert api(assessor, "GET", f"/api/capacity/assessments/{in_b.json()['id']}").status_code == 403
    listed = {a["border_post"] for a in api(assessor, "GET", "/api/capacity/assessments").json()}
    assert listed == set()  # only TST-A's, and there are none
    supervisor_b = make_user("supervisor", two_posts[1])
    listed = {a["border_post"] for a in api(supervisor_b, "GET", "/api/capacity/assessments").json()}
    assert listed == {"TST-B"}


def test_equipment_register_feeds_the_prefill_and_shows_lanes_without_a_reader(two_posts, make_user, api):
    supervisor = make_user("supervisor", two_posts[0])
    bad_lane = api(supervisor, "POST", "/api/capacity/equipment",
                   {"border_post": "TST-A", "kind": "document_reader", "lane": "Z9"})
    assert bad_lane.status_code == 422 and bad_lane.json()["field"] == "lane"
    elsewhere = api(supervisor, "POST", "/api/capacity/equipment", {"border_post": "TST-B", "kind": "uv_lamp"})
    assert elsewhere.status_code == 403
    made = api(supervisor, "POST", "/api/capacity/equipment",
               {"border_post": "TST-A", "kind": "document_reader", "lane": "A1", "model": "R-100",
                "serial_number": "SN1", "last_maintenance": "2026-06-01"})
    assert made.status_code == 201, made.content
    assert services.lanes_without_reader(two_posts[0]) == []
    known = services.prefill(two_posts[0])
    assert known["document_readers"] == 1 and known["equipment"] == {"document_reader": 1}
    listed = api(supervisor, "GET", "/api/capacity/equipment").json()
    assert [(e["kind"], e["lane"]) for e in listed] == [("document_reader", "A1")]
    future = api(supervisor, "POST", "/api/capacity/equipment",
                 {"border_post": "TST-A", "kind": "camera",
                  "last_maintenance": (datetime.date.today() + datetime.timedelta(days=9)).isoformat()})
    assert future.status_code == 422


def test_photos_are_checked_and_kept_as_evidence(two_posts, assessor):
    assessment = services.create_assessment(assessor, border_post=two_posts[0], visit_date=datetime.date(2026, 11, 2))
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 20
    photo = services.add_photo(assessor, assessment, question="INF-PHOTO", content_type="image/png", data=png)
    assert bytes(photo.data) == png
    from openbmis.core.errors import InvalidInput

    with pytest.raises(InvalidInput, match="not the image"):
        services.add_photo(assessor, assessment, question="INF-PHOTO", content_type="image/jpeg", data=png)
    with pytest.raises(InvalidInput, match="unknown question"):
        services.add_photo(assessor, assessment, question="NOPE", content_type="image/png", data=png)


def test_a_new_template_version_keeps_old_assessments_on_theirs(two_posts, assessor):
    first = services.default()
    old = services.create_assessment(assessor, border_post=two_posts[0], visit_date=datetime.date(2026, 1, 5))
    content = dict(first.content)
    content["title"] = "Revised"
    second = services.create_template(assessor, content)
    assert (first.version, second.version) == (1, 2)
    old.refresh_from_db()
    assert old.template_id == first.id
    from openbmis.core.errors import InvalidInput

    with pytest.raises(InvalidInput, match="sections"):
        services.create_template(assessor, {"code": "x", "title": "x", "sections": "no"})


def test_photos_over_the_api(two_posts, assessor, bearer, client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    assessment = services.create_assessment(assessor, border_post=two_posts[0], visit_date=datetime.date(2026, 11, 2))
    url = f"/api/capacity/assessments/{assessment.id}/photos"
    jpeg = b"\xff\xd8\xff\xe0" + bytes(32)
    made = client.post(url, {"file": SimpleUploadedFile("a.jpg", jpeg, "image/jpeg"), "question": "INF-PHOTO",
                             "caption": "primary line"}, headers=bearer(assessor))
    assert made.status_code == 201, made.content
    fake = client.post(url, {"file": SimpleUploadedFile("a.jpg", b"MZ\x90\x00", "image/jpeg"),
                             "question": "INF-PHOTO"}, headers=bearer(assessor))
    assert fake.status_code == 422 and fake.json()["field"] == "photo"
    assert assessment.photos.get().caption == "primary line"
