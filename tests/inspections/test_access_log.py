"""Reads of personal data leave an access event naming the reader and the records (issue 14)."""

from __future__ import annotations

from openbmis.audit.models import AuditEvent
from openbmis.audit.refs import traveller_ref


def _accesses():
    return list(AuditEvent.objects.filter(action__startswith="access.").order_by("seq"))


def test_traveller_ref_is_a_stable_keyed_pseudonym(settings):
    settings.OPENBMIS_AUDIT_REF_KEY = "k1"
    first = traveller_ref("0b1f0000-0000-0000-0000-000000000001")
    assert len(first) == 32 and first == traveller_ref("0b1f0000-0000-0000-0000-000000000001")
    assert first != traveller_ref("0b1f0000-0000-0000-0000-000000000002")
    settings.OPENBMIS_AUDIT_REF_KEY = "k2"
    assert traveller_ref("0b1f0000-0000-0000-0000-000000000001") != first


def test_reads_are_recorded_and_the_auditor_asks_who_looked(inspect, decide, mrz_for, officer, client, bearer,
                                                            session_client, make_user):
    data = inspect(mrz=mrz_for()).json()
    decide(data["id"], decision="admit")
    person = data["traveller"]["id"]
    ref = traveller_ref(person)
    before = len(_accesses())
    headers = bearer(officer)
    assert client.get(f"/api/travellers/{person}", headers=headers).status_code == 200
    assert client.get(f"/api/inspections/{data['id']}", headers=headers).status_code == 200
    assert client.get("/api/crossings", headers=headers).status_code == 200
    web = session_client(officer)
    assert web.get(f"/travellers/{person}/").status_code == 200
    assert web.get(f"/inspect/{data['id']}/").status_code == 200
    assert web.get("/travellers/", {"name": "odhiambo"}).status_code == 200
    events = _accesses()[before:]
    purposes = [e.after["purpose"] for e in events]
    assert purposes == ["api:get_traveller", "api:get_inspection", "api:list_crossings", "page:traveller",
                        "page:inspection", "page:traveller_search"]
    assert events[-1].after["ids"] == [ref]  # a read of traveller records names them by the reference
    for event in events:
        assert event.actor_label == officer.username
        assert event.after["traveller_refs"] == [ref]
        assert "ODHIAMBO" not in str(event.after) and "X1234567" not in str(event.after)
    assert str(data["id"]) in events[1].after["ids"]
    auditor = make_user("auditor")
    rows = client.get("/api/audit/accesses", {"traveller": person}, headers=bearer(auditor)).json()
    assert {r["after"]["purpose"] for r in rows} >= {"api:get_traveller", "api:get_inspection", "api:list_crossings"}
    assert all(r["actor"] == officer.username for r in rows)
    assert client.get("/api/audit/accesses", {"traveller": person}, headers=headers).status_code == 403
    page = session_client(auditor).get("/audit/accesses/", {"document": "x 1234567"})
    assert page.status_code == 200
    html = page.content.decode()
    assert html.count(officer.username) == 6 and "api:list_crossings" in html and "ODHIAMBO" not in html
    assert session_client(auditor).get("/audit/accesses/", {"traveller": "nope"}).status_code == 400


def test_audit_chain_stays_intact_with_access_events(inspect, mrz_for, officer, client, bearer):
    from openbmis.audit import services

    data = inspect(mrz=mrz_for()).json()
    client.get(f"/api/inspections/{data['id']}", headers=bearer(officer))
    assert services.verify().ok


def test_the_referral_queue_is_one_event_for_the_whole_list(inspect, decide, mrz_for, make_user, two_posts,
                                                            client, bearer):
    officer = make_user("secondary_officer", two_posts[0], username="sec-officer")
    people = []
    for number in ("R0000001", "R0000002"):
        data = inspect(user=officer, mrz=mrz_for(document_number=number)).json()
        assert decide(data["id"], user=officer, decision="refer", note="check").status_code == 200
        people.append(data["traveller"]["id"])
    before = len(_accesses())
    rows = client.get("/api/referrals", {"border_post": "TST-A"}, headers=bearer(officer)).json()
    assert len(rows) == 2
    events = _accesses()[before:]
    assert len(events) == 1 and events[0].actor_label == "sec-officer"
    assert events[0].after["purpose"] == "api:list_referrals"
    assert sorted(events[0].after["ids"]) == sorted(r["id"] for r in rows)
    assert set(events[0].after["traveller_refs"]) == {traveller_ref(p) for p in people}
