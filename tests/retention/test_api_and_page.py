"""The retention report and legal holds over the API and on the page: administrators and auditors only."""

from __future__ import annotations

import pytest

from openbmis.audit.models import AuditEvent
from openbmis.inspections.models import Crossing
from openbmis.retention.models import LegalHold

pytestmark = pytest.mark.django_db


@pytest.fixture
def old_pair(old_crossing, mrz_for):
    text = mrz_for(document_number="G7654321", primary_identifier="OLDTRIP")
    return [old_crossing(text, "entry", days_ago=1500), old_crossing(text, "exit", days_ago=1400)]


def test_the_report_over_the_api_counts_what_would_go_and_deletes_nothing(client, bearer, admin, auditor, officer,
                                                                           old_pair):
    for user in (admin, auditor):
        response = client.get("/api/retention/report", headers=bearer(user))
        assert response.status_code == 200, response.content
        body = response.json()
        assert body["dry_run"] is True
        crossings = next(r for r in body["rules"] if r["rule"] == "crossings")
        rows = {row["what"]: row for row in crossings["rows"]}
        assert rows["crossings"]["count"] == 2 and crossings["days"] == 1095
        assert rows["crossings"]["oldest"] == old_pair[0].local_date.isoformat()
    assert Crossing.objects.count() == 2
    assert client.get("/api/retention/report", headers=bearer(officer)).status_code == 403
    assert client.get("/api/retention/report", headers=bearer(admin, scopes=["audit:read"])).status_code == 403


def test_holds_over_the_api_placed_listed_lifted_and_audited(client, bearer, auditor, officer, old_pair):
    traveller = str(old_pair[0].traveller_id)
    headers = bearer(auditor)
    response = client.post("/api/retention/holds", {"traveller_id": traveller, "reason": "court order 5"},
                           content_type="application/json", headers=headers)
    assert response.status_code == 201, response.content
    hold = response.json()
    assert hold["in_force"] and hold["traveller_id"] == traveller and hold["created_by"] == auditor.username
    listed = client.get(f"/api/retention/holds?traveller={traveller}", headers=headers).json()
    assert [h["id"] for h in listed] == [hold["id"]]
    assert AuditEvent.objects.filter(action="access.legal_hold").exists()
    # bad input names what is wrong
    bad = client.post("/api/retention/holds", {"traveller_id": traveller, "reason": "x", "ends_on": "2001-01-01"},
                      content_type="application/json", headers=headers)
    assert bad.status_code == 422 and "ends_on" in bad.content.decode()
    refused = client.post("/api/retention/holds", {"traveller_id": traveller, "reason": "x"},
                          content_type="application/json", headers=bearer(officer))
    assert refused.status_code == 403
    lifted = client.post(f"/api/retention/holds/{hold['id']}/lift", {"reason": "case closed"},
                         content_type="application/json", headers=headers)
    assert lifted.status_code == 200 and not lifted.json()["in_force"]
    again = client.post(f"/api/retention/holds/{hold['id']}/lift", {"reason": "again"},
                        content_type="application/json", headers=headers)
    assert again.status_code == 409
    assert AuditEvent.objects.filter(action__in=["legal_hold.place", "legal_hold.lift"]).count() == 2


def test_the_page_shows_the_counts_and_chart_and_places_and_lifts_holds(session_client, admin, officer, old_pair):
    client = session_client(admin)
    page = client.get("/retention/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-testid="retention-chart"' in html and 'data-testid="retention-report"' in html
    traveller = str(old_pair[0].traveller_id)
    response = client.post("/retention/", {"traveller_id": traveller, "reason": "inquiry 9"})
    assert response.status_code == 302
    hold = LegalHold.objects.get()
    assert hold.in_force and hold.created_by == admin
    assert traveller in client.get("/retention/").content.decode()
    bad = client.post("/retention/", {"traveller_id": "not-an-id", "reason": "x"})
    assert bad.status_code == 400 and "not a traveller id" in bad.content.decode()
    client.post(f"/retention/holds/{hold.id}/lift/", {"reason": "closed"})
    hold.refresh_from_db()
    assert not hold.in_force and hold.lift_reason == "closed"


def test_at_a_border_post_node_the_rules_delete_nothing(settings, client, bearer, admin, old_pair):
    from openbmis.core import retention

    settings.OPENBMIS_INSTALLATION = "bcp:TST-A"
    report = {r.rule.name: r for r in retention.report()}
    assert report["crossings"].rows == []
    assert report["crossings"].as_dict()["enforced_by"] == "node housekeeping"
    counts = retention.purge()
    assert "crossings" not in counts and "identities" not in counts  # the node's housekeeping decides there
    assert not AuditEvent.objects.filter(action="retention.purge", object_id="crossings").exists()
