"""The whole path through the services and the API: an alert fails the check at the counter, the document is
referred, examined at secondary (photo substitution, UV and visible images), refused, and counted."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from openbmis.audit import services as audit
from openbmis.core.errors import AccessDenied, InvalidInput, NotFound
from openbmis.documents import services
from openbmis.documents.models import Examination
from openbmis.inspections.models import Inspection

pytestmark = pytest.mark.django_db


@pytest.fixture
def alert(expert, kenyan_model, image_bytes):
    return services.publish_alert(expert, model=kenyan_model, number_from="X1200000", number_to="X1299999",
                                  title="Counterfeit X12 series", description="Offset-printed data page",
                                  detection="The UV pattern is missing", severity="fail",
                                  valid_from=date.today() - timedelta(days=1),
                                  images=[(image_bytes("blue"), "counterfeit under UV", "uv")])


@pytest.fixture
def referred(alert, inspect, decide, mrz_for):
    response = inspect(mrz=mrz_for(document_number="X1234567"), transport_id="KQ100")
    assert response.status_code == 201, response.content
    data = response.json()
    assert decide(data["id"], decision="refer", note="fraud alert").status_code == 200
    return data


def test_a_matching_document_fails_the_check_with_the_alert(referred, alert):
    check = next(c for c in referred["checks"] if c["code"] == "document_alerts")
    assert check["status"] == "fail"
    assert "The UV pattern is missing" in check["message"]
    assert check["details"]["alerts"][0]["reference"] == alert.reference
    assert check["details"]["alerts"][0]["images"] == [str(alert.images.get().id)]
    assert referred["suggested_action"] == "refer"


def test_a_document_outside_the_range_passes(alert, inspect, mrz_for):
    data = inspect(mrz=mrz_for(document_number="X7654321")).json()
    assert next(c for c in data["checks"] if c["code"] == "document_alerts")["status"] == "pass"


def test_examiner_records_a_photo_substitution_then_refusal_and_statistics(
        referred, examiner, make_user, two_posts, image_bytes, decide, client, bearer, alert):
    inspection = Inspection.objects.get(id=referred["id"])
    examination = services.record_examination(
        examiner, inspection, verdict="forged_photo", disposition="retained", alert=alert,
        findings=[{"feature": "photo laminate", "finding": "cut and re-laminated"},
                  {"feature": "UV pattern", "finding": "interrupted across the photo"}],
        images=[(image_bytes("purple"), "uv", "reader"), (image_bytes("white"), "visible", "camera")])
    assert examination.is_fraud
    assert sorted(i.light for i in examination.images.all()) == ["uv", "visible"]
    assert (examination.issuing_state, examination.nationality, examination.route) == ("KEN", "KEN", "KQ100")
    secondary = make_user("secondary_officer", two_posts[0])
    refusal = decide(referred["id"], user=secondary, decision="refuse", reasons=["A"], note="forged passport")
    assert refusal.status_code == 200, refusal.content
    assert refusal.json()["crossing"]["decision"] == "refuse"
    assert audit.verify().ok
    # one case: an analyst (who may not see identities) gets it suppressed, as the flows are
    analyst = make_user("analyst", None)
    rows = client.get("/api/documents/fraud-statistics?group_by=issuing_state,verdict",
                      headers=bearer(analyst)).json()
    assert rows["rows"] == [{"key": {"issuing_state": "KEN", "verdict": "forged_photo"}, "count": None}]
    assert rows["suppressed"] == 2 and rows["rounded_to"] == 5


def test_fraud_statistics_group_and_round(referred, examiner, make_user, client, bearer, settings):
    inspection = Inspection.objects.get(id=referred["id"])
    for verdict in ["forged_photo"] * 6 + ["counterfeit", "genuine"]:
        services.record_examination(examiner, inspection, verdict=verdict, disposition="returned",
                                    findings=[{"feature": "MRZ", "finding": "x"}])
    supervisor = make_user("supervisor", None)  # national supervisor: may see identities everywhere
    exact = client.get("/api/documents/fraud-statistics?group_by=verdict,border_post,route,nationality,"
                       "document_code", headers=bearer(supervisor)).json()
    assert {(r["key"]["verdict"], r["count"]) for r in exact["rows"]} == {("forged_photo", 6), ("counterfeit", 1)}
    assert exact["rows"][0]["key"]["border_post"] == "TST-A" and exact["totals"] == {"count": 7}
    analyst = make_user("analyst", None)
    rounded = client.get("/api/documents/fraud-statistics?group_by=verdict", headers=bearer(analyst)).json()
    assert {(r["key"]["verdict"], r["count"]) for r in rounded["rows"]} == {("forged_photo", 5),
                                                                           ("counterfeit", None)}
    bad = client.get("/api/documents/fraud-statistics?group_by=name", headers=bearer(analyst))
    assert bad.status_code == 422 and "name" in bad.json()["detail"]


@pytest.mark.parametrize(("role", "at_own_post", "allowed"), [
    ("document_examiner", True, True),
    ("document_examiner", False, False),
    ("supervisor", True, True),
    ("primary_officer", True, False),
    ("secondary_officer", True, False),
    ("document_expert", None, False),
    ("analyst", None, False),
])
def test_who_may_record_an_examination(referred, make_user, two_posts, role, at_own_post, allowed):
    post = None if at_own_post is None else two_posts[0] if at_own_post else two_posts[1]
    user = make_user(role, post)
    inspection = Inspection.objects.get(id=referred["id"])
    record = dict(verdict="genuine", disposition="returned", findings=[{"feature": "MRZ", "finding": "fine"}])
    if allowed:
        assert services.record_examination(user, inspection, **record).verdict == "genuine"
    else:
        with pytest.raises(AccessDenied):
            services.record_examination(user, inspection, **record)
        assert not Examination.objects.exists()


def test_examination_images_only_for_who_may_see_identities_at_the_post(referred, examiner, expert, make_user,
                                                                        two_posts, image_bytes):
    inspection = Inspection.objects.get(id=referred["id"])
    examination = services.record_examination(examiner, inspection, verdict="counterfeit", disposition="retained",
                                              findings=[{"feature": "print", "finding": "inkjet"}],
                                              images=[(image_bytes(), "ir", "upload")])
    image = examination.images.get()
    assert services.examination_image(examiner, image.id).file.read() == image_bytes()
    for user in (expert, make_user("analyst", None), make_user("document_examiner", two_posts[1]),
                 make_user("primary_officer", two_posts[0])):
        with pytest.raises(AccessDenied):
            services.examination_image(user, image.id)
    with pytest.raises(NotFound):
        services.examination_image(examiner, "0190b0a0-0000-7000-8000-000000000000")


@pytest.mark.parametrize(("change", "field"), [
    ({"verdict": "maybe"}, "verdict"),
    ({"disposition": "lost"}, "disposition"),
    ({"findings": []}, "findings"),
    ({"findings": [{"feature": "", "finding": "x"}]}, "findings"),
    ({"images": [(b"GIF89a-not-really", "uv", "reader")]}, "image"),
    ({"images": [(b"x", "xray", "reader")]}, "images"),
])
def test_bad_examinations_are_refused_naming_the_field(referred, examiner, change, field):
    inspection = Inspection.objects.get(id=referred["id"])
    record = dict(verdict="genuine", disposition="returned", findings=[{"feature": "MRZ", "finding": "fine"}])
    with pytest.raises(InvalidInput) as caught:
        services.record_examination(examiner, inspection, **{**record, **change})
    assert caught.value.field == field
    assert not Examination.objects.exists()


def test_only_a_referred_inspection_is_examined(alert, inspect, mrz_for, examiner):
    data = inspect(mrz=mrz_for(document_number="X1234567")).json()
    with pytest.raises(InvalidInput, match="refer"):
        services.record_examination(examiner, Inspection.objects.get(id=data["id"]), verdict="genuine",
                                    disposition="returned", findings=[{"feature": "MRZ", "finding": "fine"}])


def test_fraud_cases_on_the_statistics_dashboard_and_table(referred, examiner, make_user, session_client):
    inspection = Inspection.objects.get(id=referred["id"])
    for _ in range(5):
        services.record_examination(examiner, inspection, verdict="forged_photo", disposition="retained",
                                    findings=[{"feature": "photo", "finding": "re-laminated"}])
    client = session_client(make_user("supervisor", None))
    assert "panel-fraud" in client.get("/statistics/").content.decode()
    table = client.get("/statistics/table/fraud/").content.decode()
    assert "Forged: photo substitution" in table and "Fraud type" in table and "KEN" in table
    analyst = session_client(make_user("analyst", None))
    assert "Forged: photo substitution" in analyst.get("/statistics/table/fraud/").content.decode()  # 5: shown


def test_fraud_cases_in_the_monthly_report(referred, examiner, make_user, monkeypatch):
    from django.utils import timezone
    from reportlab import rl_config
    from tests.statistics.test_reports_cli import _text

    from openbmis.statistics import reports

    inspection = Inspection.objects.get(id=referred["id"])
    for _ in range(5):
        services.record_examination(examiner, inspection, verdict="counterfeit", disposition="retained",
                                    findings=[{"feature": "print", "finding": "inkjet"}])
    monkeypatch.setattr(rl_config, "useA85", 0)  # plain zlib streams, so the test can read the text
    month = timezone.localdate().replace(day=1)
    pdf, _filters = reports.generate(make_user("supervisor", None), month, None)
    text = _text(pdf)
    assert "Document fraud found at secondary" in text and "KEN" in text and "Counterfeit" in text


def test_the_examiners_list_shows_the_referred_documents_at_their_posts(referred, examiner, make_user, two_posts,
                                                                         inspect, decide, mrz_for, session_client):
    from openbmis.audit.models import AuditEvent

    plain = inspect(mrz=mrz_for(document_number="X7654321", primary_identifier="MWANGI")).json()
    assert decide(plain["id"], decision="refer", note="nervous").status_code == 200
    page = session_client(examiner).get("/documents/examine/")
    assert page.status_code == 200
    html = page.content.decode()
    table = html[html.index('data-testid="examination-queue"'):]
    # Both referrals, the one under a fraud alert first, each with its way to the examination form.
    assert table.index("Counterfeit X12 series") < table.index("nervous")
    assert f"/documents/examine/{referred['id']}/" in table and f"/documents/examine/{plain['id']}/" in table
    assert "not yet" in table
    read = AuditEvent.objects.filter(action="access.inspection", actor_label=examiner.username).latest("seq")
    assert read.after["purpose"] == "page:examination_queue" and referred["id"] in read.after["ids"]
    # An examiner at another post sees none of them.
    elsewhere = make_user("document_examiner", two_posts[1], username="far-examiner")
    other = session_client(elsewhere).get("/documents/examine/").content.decode()
    assert referred["id"] not in other and plain["id"] not in other


def test_images_are_fetched_for_matching_alerts_only(alert):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from openbmis.documents.matching import matching_alerts

    document = {"issuing_state": "KEN", "document_code": "P", "document_number": "X7654321"}
    with CaptureQueriesContext(connection) as outside:
        assert matching_alerts(document, date.today()) == []
    with CaptureQueriesContext(connection) as inside:
        found = matching_alerts({**document, "document_number": "X1234567"}, date.today())
    assert [a.id for a in found] == [alert.id] and len(found[0].images.all()) == 1
    # the alerts of the state, then (only when one matches) their images
    assert (len(outside.captured_queries), len(inside.captured_queries)) == (1, 2)
