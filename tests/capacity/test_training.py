"""Courses, sessions, enrolment, results and certificates; public verification; role prerequisites (refused or
warned when a role is given; holders warned before expiry and listed after; suspension when configured)."""

from __future__ import annotations

import datetime

import pytest

from openbmis.accounts import authz
from openbmis.accounts import services as accounts
from openbmis.audit.models import AuditEvent
from openbmis.capacity import certification, services
from openbmis.capacity.models import Certificate
from openbmis.core.errors import Conflict

from .test_assessments import pdf_text


@pytest.fixture
def coordinator(make_user):
    return make_user("training_coordinator", None, username="coordinator")


def _certify(api, coordinator, officer, code="PRIM-1", ends="2026-10-09", validity=24):
    assert api(coordinator, "POST", "/api/training/courses",
               {"code": code, "title": f"Course {code}", "hours": 40, "level": "basic",
                "topics": ["MRZ", "interview"], "validity_months": validity}).status_code == 201
    session = api(coordinator, "POST", "/api/training/sessions",
                  {"course": code, "starts_on": "2026-10-05", "ends_on": ends, "capacity": 2, "place": "Moshi",
                   "trainers": "ACBC trainers"})
    assert session.status_code == 201, session.content
    enrolment = api(coordinator, "POST", f"/api/training/sessions/{session.json()['id']}/enrolments",
                    {"username": officer.username})
    assert enrolment.status_code == 201, enrolment.content
    result = api(coordinator, "POST", f"/api/training/enrolments/{enrolment.json()['id']}/result",
                 {"attended": True, "result": "passed", "score": 87})
    assert result.status_code == 200, result.content
    return result.json()["certificate"], session.json()["id"]


def test_a_pass_issues_a_certificate_that_the_public_can_verify_and_nothing_more(two_posts, make_user, coordinator,
                                                                                  api, client):
    officer = make_user(None, username="amina")
    number, session_id = _certify(api, coordinator, officer)
    cert = Certificate.objects.get(number=number)
    assert cert.issued_on == datetime.date(2026, 10, 9) and cert.expires_on == datetime.date(2028, 10, 9)
    assert cert.holder == officer
    answer = client.get(f"/api/certificates/verify?number={number.lower()}&code={cert.verification_code}")
    assert answer.status_code == 200
    assert answer.json() == {"number": number, "status": "valid"}  # no holder, no course
    wrong = client.get(f"/api/certificates/verify?number={number}&code=00000000")
    assert wrong.json()["status"] == "not_found"
    assert services.verify_certificate(number, cert.verification_code, on=datetime.date(2028, 10, 10)) == "expired"
    services.revoke_certificate(coordinator, cert, "obtained by fraud")
    assert client.get(f"/api/certificates/verify?number={number}&code={cert.verification_code}").json()["status"] \
        == "revoked"
    pdf = api(coordinator, "GET", f"/api/training/certificates/{number}/pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")
    text = pdf_text(pdf.content)
    assert number in text and cert.verification_code in text and "Certificate of training" in text
    # the session is full after two; a second result cannot issue a second certificate
    api(coordinator, "POST", f"/api/training/sessions/{session_id}/enrolments", {"external_name": "Guest Officer",
                                                                                "external_organisation": "TZA"})
    full = api(coordinator, "POST", f"/api/training/sessions/{session_id}/enrolments", {"external_name": "Third"})
    assert full.status_code == 409
    enrolment = cert.enrolment
    assert api(coordinator, "POST", f"/api/training/enrolments/{enrolment.id}/result",
               {"attended": True, "result": "passed"}).status_code == 409
    absent = api(coordinator, "POST", f"/api/training/enrolments/{enrolment.id}/result",
                 {"attended": False, "result": "passed"})
    assert absent.status_code in (409, 422)
    assert AuditEvent.objects.filter(action="training.result").count() == 1


def test_role_prerequisite_warns_by_default_and_refuses_when_configured(two_posts, make_user, coordinator, api,
                                                                         settings):
    admin = make_user("administrator", None)
    officer = make_user(None, username="peter")
    api(coordinator, "POST", "/api/training/courses", {"code": "PRIM-1", "title": "Primary line", "hours": 40})
    added = api(admin, "POST", "/api/training/prerequisites", {"role": "primary_officer", "course": "PRIM-1"})
    assert added.status_code == 201, added.content
    assignment = accounts.assign_role(admin, officer, "primary_officer", two_posts[0])
    assert assignment.warnings and "PRIM-1" in assignment.warnings[0]
    event = AuditEvent.objects.filter(action="role.assign", object_label="peter").get()
    assert event.after["warnings"] == assignment.warnings
    settings.OPENBMIS_CERTIFICATION_ON_ASSIGN = "refuse"
    other = make_user(None, username="paul")
    with pytest.raises(Conflict, match="PRIM-1"):
        accounts.assign_role(admin, other, "primary_officer", two_posts[0])
    assert not other.role_assignments.exists()
    _certify_existing(api, coordinator, other, "PRIM-1")
    assignment = accounts.assign_role(admin, other, "primary_officer", two_posts[0])
    assert assignment.warnings == []


def _certify_existing(api, coordinator, officer, code, ends="2026-10-09"):
    session = api(coordinator, "POST", "/api/training/sessions",
                  {"course": code, "starts_on": ends, "ends_on": ends, "capacity": 5}).json()
    enrolment = api(coordinator, "POST", f"/api/training/sessions/{session['id']}/enrolments",
                    {"username": officer.username}).json()
    api(coordinator, "POST", f"/api/training/enrolments/{enrolment['id']}/result",
        {"attended": True, "result": "passed"})


def test_holders_are_warned_before_expiry_listed_after_and_suspended_only_when_configured(
        two_posts, make_user, coordinator, api, settings):
    admin = make_user("administrator", None)
    api(coordinator, "POST", "/api/training/courses",
        {"code": "PRIM-1", "title": "Primary line", "hours": 40, "validity_months": 12})
    services.add_prerequisite(admin, role="primary_officer", course=services.get_course("PRIM-1"))
    today = datetime.date.today()
    soon, lapsed, never = (make_user(None, username=n) for n in ("soon", "lapsed", "never"))
    # a session ending 11 months and 2 weeks ago: valid 12 months, so it expires in about two weeks
    _certify_existing(api, coordinator, soon, "PRIM-1", ends=(services.add_months(today, -12)
                                                              + datetime.timedelta(days=14)).isoformat())
    _certify_existing(api, coordinator, lapsed, "PRIM-1", ends=(services.add_months(today, -12)
                                                                - datetime.timedelta(days=3)).isoformat())
    for user in (soon, lapsed, never):
        accounts.assign_role(admin, user, "primary_officer", two_posts[0])
    statuses = {row["username"]: row["status"] for row in api(admin, "GET", "/api/training/holders").json()}
    assert statuses == {"soon": "expiring", "lapsed": "expired", "never": "missing"}
    expired_only = api(admin, "GET", "/api/training/holders?status=expired").json()
    assert [row["username"] for row in expired_only] == ["lapsed"]
    # default: warn only, the role still works
    assert authz.has_permission(lapsed, "inspections.primary", two_posts[0].id)
    settings.OPENBMIS_CERTIFICATE_EXPIRY = "suspend"
    for user in (soon, lapsed, never):
        user.__dict__.pop("_openbmis_grants", None)
    assert authz.has_permission(soon, "inspections.primary", two_posts[0].id)
    assert not authz.has_permission(lapsed, "inspections.primary", two_posts[0].id)
    assert not authz.has_permission(never, "inspections.primary", two_posts[0].id)
    assert certification.missing_for_role(lapsed, "primary_officer")[0].code == "PRIM-1"


def test_post_scoped_readers_see_the_certificates_of_people_at_their_posts_only(two_posts, make_user, coordinator,
                                                                                 api):
    at_a, at_b = make_user("primary_officer", two_posts[0], username="at_a"), make_user(
        "primary_officer", two_posts[1], username="at_b")
    api(coordinator, "POST", "/api/training/courses", {"code": "PRIM-1", "title": "Primary line", "hours": 40})
    _certify_existing(api, coordinator, at_a, "PRIM-1")
    _certify_existing(api, coordinator, at_b, "PRIM-1")
    supervisor = make_user("supervisor", two_posts[0])
    seen = {c["holder"] for c in api(supervisor, "GET", "/api/training/certificates").json()}
    assert seen == {"at_a"}
    other_number = Certificate.objects.get(holder=at_b).number
    assert api(supervisor, "GET", f"/api/training/certificates/{other_number}/pdf").status_code == 404
    assert {c["holder"] for c in api(coordinator, "GET", "/api/training/certificates").json()} == {"at_a", "at_b"}


def test_add_months_clamps_to_the_end_of_month():
    assert services.add_months(datetime.date(2026, 1, 31), 1) == datetime.date(2026, 2, 28)
    assert services.add_months(datetime.date(2024, 2, 29), 12) == datetime.date(2025, 2, 28)
    assert services.add_months(datetime.date(2026, 11, 15), 14) == datetime.date(2028, 1, 15)
