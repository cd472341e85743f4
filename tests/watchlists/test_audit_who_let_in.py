"""Issue 19, the auditor: "who let this person in, and why" answered from the audit trail by document number,
with the override visible, each event's detail (page and API), and an audited export."""

from __future__ import annotations

import csv
import io

import pytest

from openbmis.audit.models import AuditEvent
from openbmis.audit.refs import value_ref

pytestmark = pytest.mark.django_db


@pytest.fixture
def overridden(national, inspect, decide, mrz_for, kamau, make_user, two_posts):
    """KAMAU (listed) admitted by a supervisor over the watchlist hit, with a reason."""
    kamau["document_number"] = "K2222222"
    body = inspect(mrz=mrz_for(**kamau)).json()
    assert decide(body["id"], decision="refer", note="possible match").status_code == 200
    supervisor = make_user("supervisor", two_posts[0], username="chief-a")
    response = decide(body["id"], user=supervisor, decision="admit", note="ministry confirmed by phone")
    assert response.status_code == 200, response.content
    return response.json()["crossing"]


def test_the_auditor_finds_who_let_the_person_in_and_why(overridden, make_user, session_client, bearer, client):
    auditor = make_user("auditor", None)
    web = session_client(auditor)
    page = web.get("/audit/", {"traveller": "K2222222"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "crossing.admit" in html and "inspection.start" in html and 'data-testid="admission"' in html
    assert "borderpost.create" not in html  # only the events about this traveller
    admit = AuditEvent.objects.get(action="crossing.admit", object_id=overridden["id"])
    detail = web.get(f"/audit/events/{admit.id}/").content.decode()
    assert "chief-a" in detail and "ministry confirmed by phone" in detail and "override" in detail
    assert "watchlist" in detail  # the check admitted over, in the after snapshot
    api = client.get(f"/api/audit/events/{admit.id}", headers=bearer(auditor)).json()
    assert api["actor"] == "chief-a" and api["reason"] == "ministry confirmed by phone"
    assert api["after"]["flags"] == ["override"]
    officer = make_user("primary_officer", None)
    assert client.get(f"/api/audit/events/{admit.id}", headers=bearer(officer)).status_code == 403
    assert web.get("/audit/events/01a2446f-0000-7000-8000-000000000000/").status_code == 404


def test_search_results_export_is_audited(overridden, make_user, session_client):
    auditor = make_user("auditor", None, username="auditor-x")
    response = session_client(auditor).get("/audit/", {"traveller": "K2222222", "format": "csv"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert {"inspection.start", "crossing.admit"} <= {r["action"] for r in rows}
    assert next(r for r in rows if r["action"] == "crossing.admit")["admission"] == "override"
    event = AuditEvent.objects.get(action="audit.export")
    assert event.actor_label == "auditor-x" and event.after["events"] == len(rows)
    assert event.after["filters"] == {"traveller": value_ref("document", "K2222222")}  # no document number in clear
