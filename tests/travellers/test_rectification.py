"""Issue 14, the traveller's right to rectification: requested by one person, approved or rejected by a second,
applied through the travellers service, audited with references (never values), carried to the statistics."""

from __future__ import annotations

import json
from datetime import date

import pytest

from openbmis.audit.models import AuditEvent
from openbmis.audit.refs import traveller_ref

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(inspect, decide, mrz_for):
    """ODHIAMBO, AMINA (KEN, F, 1990-05-17), admitted at TST-A."""
    body = inspect(mrz=mrz_for()).json()
    assert decide(body["id"], decision="admit").status_code == 200
    from openbmis.travellers.models import Traveller

    return Traveller.objects.get(pk=body["traveller"]["id"])


@pytest.fixture
def chiefs(make_user, two_posts):
    return (make_user("supervisor", two_posts[0], username="chief-1"),
            make_user("supervisor", two_posts[0], username="chief-2"))


def _ask(client, headers, person, **body):
    payload = {"changes": {"nationality": "TZA"}, "reason": "the passport in hand shows other data; typed by mistake", **body}
    return client.post(f"/api/travellers/{person.pk}/rectifications", payload, content_type="application/json",
                       headers=headers)


def test_the_requester_may_not_approve_their_own_request(client, bearer, person, chiefs):
    first, _second = chiefs
    asked = _ask(client, bearer(first), person)
    assert asked.status_code == 201, asked.content
    own = client.post(f"/api/rectifications/{asked.json()['id']}/approve", {}, content_type="application/json",
                      headers=bearer(first))
    assert own.status_code == 403 and "second" in own.content.decode()
    own_reject = client.post(f"/api/rectifications/{asked.json()['id']}/reject", {"reason": "withdrawn"},
                             content_type="application/json", headers=bearer(first))
    assert own_reject.status_code == 403
    person.refresh_from_db()
    assert person.nationality == "KEN"


def test_an_approved_correction_is_applied_audited_and_counted(client, bearer, person, chiefs, admin):
    from openbmis.inspections.models import Crossing
    from openbmis.statistics import services as statistics
    from openbmis.statistics.models import FlowCount

    first, second = chiefs
    statistics.rebuild()
    assert FlowCount.objects.filter(nationality="KEN").exists()
    asked = _ask(client, bearer(first), person,
                 changes={"nationality": "tza", "secondary_identifier": "Amina  Wanjiru", "birth_date": "1990-05-18"})
    assert asked.status_code == 201, asked.content
    assert asked.json()["previous"] == {"nationality": "KEN", "secondary_identifier": "AMINA",
                                        "birth_date": "1990-05-17"}
    pending = client.get("/api/rectifications", headers=bearer(second)).json()
    assert [r["id"] for r in pending] == [asked.json()["id"]]
    approved = client.post(f"/api/rectifications/{asked.json()['id']}/approve", {"reason": "checked the passport"},
                           content_type="application/json", headers=bearer(second))
    assert approved.status_code == 200, approved.content
    assert approved.json()["status"] == "applied" and approved.json()["decided_by"] == "chief-2"
    person.refresh_from_db()
    assert (person.nationality, person.secondary_identifier, person.birth_date) == (
        "TZA", "AMINA WANJIRU", date(1990, 5, 18))
    crossing = Crossing.objects.get(traveller=person)
    assert (crossing.nationality, crossing.birth_date) == ("TZA", date(1990, 5, 18))
    # The statistics count the corrected nationality at once.
    assert not FlowCount.objects.filter(nationality="KEN").exists()
    assert FlowCount.objects.filter(nationality="TZA").exists()
    # Audited with the person's reference and the fields, never the values.
    ref = traveller_ref(person.pk)
    events = {e.action: e for e in AuditEvent.objects.filter(object_type="traveller", object_id=ref)}
    assert {"traveller.rectification_request", "traveller.rectify"} <= set(events)
    applied = events["traveller.rectify"]
    assert applied.actor_label == "chief-2" and applied.after["requested_by"] == "chief-1"
    assert sorted(events["traveller.rectification_request"].after["fields"]) == [
        "birth_date", "nationality", "secondary_identifier"]
    text = json.dumps([applied.before, applied.after, applied.reason]).upper()
    for value in ("AMINA", "WANJIRU", "1990-05-17", "1990-05-18", "KEN", "TZA", str(person.pk).upper()):
        assert value not in text, value
    assert applied.before["nationality"] != applied.after["nationality"]  # the tags show that it changed
    assert pending and AuditEvent.objects.filter(action="access.rectification", actor_label="chief-2").exists()
    # Decided once only.
    again = client.post(f"/api/rectifications/{asked.json()['id']}/reject", {"reason": "late"},
                        content_type="application/json", headers=bearer(admin))
    assert again.status_code == 409


def test_a_rejected_correction_changes_nothing(client, bearer, person, chiefs, admin):
    first, _second = chiefs
    asked = _ask(client, bearer(first), person, changes={"primary_identifier": "ODHIAMBO OTIENO"})
    assert asked.status_code == 201
    no_reason = client.post(f"/api/rectifications/{asked.json()['id']}/reject", {"reason": " "},
                            content_type="application/json", headers=bearer(admin))
    assert no_reason.status_code in (400, 422) and "reason" in no_reason.content.decode()
    rejected = client.post(f"/api/rectifications/{asked.json()['id']}/reject", {"reason": "no evidence shown"},
                           content_type="application/json", headers=bearer(admin))
    assert rejected.status_code == 200 and rejected.json()["status"] == "rejected"
    person.refresh_from_db()
    assert person.primary_identifier == "ODHIAMBO"
    event = AuditEvent.objects.get(action="traveller.rectification_reject")
    assert event.object_id == traveller_ref(person.pk) and event.actor_label == admin.username
    assert event.reason == "no evidence shown" and "OTIENO" not in json.dumps(event.after)
    assert not AuditEvent.objects.filter(action="traveller.rectify").exists()


def test_a_document_number_is_corrected_on_its_document(client, bearer, person, chiefs):
    first, second = chiefs
    document = person.documents.get()
    missing = _ask(client, bearer(first), person, changes={"document_number": "X1234568"})
    assert missing.status_code in (400, 422) and "document" in missing.content.decode()
    asked = _ask(client, bearer(first), person, changes={"document_number": "x123 4568"}, document=str(document.pk))
    assert asked.status_code == 201, asked.content
    assert client.post(f"/api/rectifications/{asked.json()['id']}/approve", {}, content_type="application/json",
                       headers=bearer(second)).status_code == 200
    document.refresh_from_db()
    assert document.number == "X1234568"
    applied = AuditEvent.objects.get(action="traveller.rectify")
    assert "X123456" not in json.dumps(applied.after) + json.dumps(applied.before)


@pytest.mark.parametrize("changes, field", [
    ({"nationality": "XYZ"}, "nationality"), ({"sex": "Q"}, "sex"), ({"birth_date": "17/05/1990"}, "birth_date"),
    ({"birth_date": "2999-01-01"}, "birth_date"), ({"primary_identifier": ""}, "surname"),
    ({"height": "180"}, "height"), ({}, "changes"), ({"nationality": "KEN"}, "nationality"),
])
def test_bad_requests_name_what_is_wrong(client, bearer, person, chiefs, changes, field):
    response = _ask(client, bearer(chiefs[0]), person, changes=changes)
    assert response.status_code in (400, 422) and field in response.content.decode()


def test_scoping_roles_and_one_pending_request(client, bearer, person, make_user, two_posts, chiefs, officer):
    other_post = make_user("supervisor", two_posts[1], username="chief-b")
    assert _ask(client, bearer(other_post), person).status_code == 404  # not inspected at TST-B
    assert _ask(client, bearer(officer), person).status_code == 403
    assert _ask(client, bearer(chiefs[0]), person).status_code == 201
    assert client.get("/api/rectifications", headers=bearer(other_post)).json() == []
    assert _ask(client, bearer(chiefs[1]), person, changes={"sex": "X"}).status_code == 409
    narrow = bearer(chiefs[1], scopes=["identities:read"])
    assert client.get("/api/rectifications", headers=narrow).status_code == 403


def test_the_pages_request_queue_and_decide(session_client, person, chiefs, client):
    first, second = chiefs
    web = session_client(first)
    page = web.get(f"/travellers/{person.pk}/").content.decode()
    assert 'data-testid="rectify"' in page and f"/travellers/{person.pk}/rectify" in page
    asked = web.post(f"/travellers/{person.pk}/rectify", {"sex": "X", "nationality": "", "reason": "wrong sex typed"})
    assert asked.status_code == 302
    from openbmis.travellers.models import Rectification

    item = Rectification.objects.get()
    assert item.changes == {"sex": "X"} and item.requested_by == first
    own_queue = web.get("/travellers/rectifications/").content.decode()
    assert str(item.pk) in own_queue and f"/travellers/rectifications/{item.pk}/approve" not in own_queue
    assert web.post(f"/travellers/rectifications/{item.pk}/approve", {}).status_code == 302
    item.refresh_from_db()
    assert item.status == "pending"  # the requester's own approval was refused
    client.logout()
    other = session_client(second)
    queue = other.get("/travellers/rectifications/").content.decode()
    assert f"/travellers/rectifications/{item.pk}/approve" in queue and "ODHIAMBO" in queue
    assert other.post(f"/travellers/rectifications/{item.pk}/approve", {"reason": "seen"}).status_code == 302
    item.refresh_from_db()
    person.refresh_from_db()
    assert item.status == "applied" and person.sex == "X"
    assert AuditEvent.objects.filter(action="access.rectification", after__purpose="page:rectifications").exists()


def test_officers_see_no_form_and_no_queue(session_client, person, officer):
    web = session_client(officer)
    assert 'data-testid="rectify"' not in web.get(f"/travellers/{person.pk}/").content.decode()
    assert web.get("/travellers/rectifications/").status_code == 403
    assert web.post(f"/travellers/{person.pk}/rectify", {"sex": "X", "reason": "r"}).status_code == 403
