"""Issue 14: the audit trail names people only by pseudonymous references, never by their data in clear."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from tests.watchlists.conftest import KAMAU, NATIONAL_ROWS, template_csv

from openbmis.audit.models import AuditEvent
from openbmis.audit.refs import traveller_ref

pytestmark = pytest.mark.django_db

# The person walked through the flow, and what must never appear in clear in any event.
PERSON = dict(KAMAU, document_number="K2222222", secondary_identifier="JOSEPH MWANGI")
SECOND_DOCUMENT = "K3333333"


def _clear_values() -> list[str]:
    birth = PERSON["birth_date"]
    return [PERSON["primary_identifier"], "JOSEPH", "MWANGI", PERSON["document_number"], SECOND_DOCUMENT,
            birth.isoformat(), birth.strftime("%y%m%d"), "Kamau", "Mwangi"]


def _event_json(event: AuditEvent) -> str:
    return json.dumps({"object_id": event.object_id, "object_label": event.object_label, "before": event.before,
                       "after": event.after, "reason": event.reason}, ensure_ascii=False)


@pytest.fixture
def flow(inspect, decide, mrz_for, make_user, two_posts, admin):
    """An inspection with a watchlist hit, a referral, an admission by a supervisor over the hit, a second identity
    merged in, an entry ban and a visa: every kind of event that concerns the person."""
    from openbmis.permits import services as permits
    from openbmis.travellers import services as travellers
    from openbmis.travellers.models import Traveller
    from openbmis.watchlists import matching
    from openbmis.watchlists import services as watchlists

    matching.forget()
    watchlist = watchlists.create_watchlist("test", name="National alert list", owner="Immigration HQ",
                                            kind="persons", purpose="tests", threshold=0.7)
    watchlists.import_now("test", watchlist, file_name="list.csv", content=template_csv(NATIONAL_ROWS), commit=True)
    body = inspect(mrz=mrz_for(**PERSON)).json()
    assert body["hits"], body
    assert decide(body["id"], decision="refer", note="possible match").status_code == 200
    supervisor = make_user("supervisor", two_posts[0], username="chief-a")
    admitted = decide(body["id"], user=supervisor, decision="admit", note="ministry confirmed by phone")
    assert admitted.status_code == 200, admitted.content
    person = Traveller.objects.get(pk=body["traveller"]["id"])
    # A second identity made from another passport (a different birth date, so it is not linked) and merged in.
    other = inspect(mrz=mrz_for(**{**PERSON, "document_number": SECOND_DOCUMENT,
                                   "birth_date": date(1981, 3, 14)})).json()
    duplicate = Traveller.objects.get(pk=other["traveller"]["id"])
    assert duplicate.pk != person.pk
    travellers.merge(supervisor, duplicate, person, reason="same person, two passports")
    permits.impose_ban(admin, traveller=person, starts_on=date.today(), ends_on=date.today() + timedelta(days=365),
                       reason="removal order", document_number=PERSON["document_number"])
    permits.create_visa(admin, number="V1234567", category="C", entries="single", valid_from=date.today(),
                        valid_until=date.today() + timedelta(days=90), duration_days=30,
                        surname=PERSON["primary_identifier"], given_names=PERSON["secondary_identifier"],
                        nationality="KEN", birth_date=PERSON["birth_date"],
                        passport_number=PERSON["document_number"])
    matching.forget()
    return person, duplicate


def test_no_event_carries_the_persons_data_in_clear(flow):
    events = list(AuditEvent.objects.order_by("seq"))
    assert {"inspection.start", "hits.file", "inspection.refer", "crossing.admit", "traveller.merge",
            "entry_ban.impose", "visa.create"} <= {e.action for e in events}
    leaks = []
    for event in events:
        text = _event_json(event).upper()
        leaks += [(event.action, value) for value in _clear_values() if value.upper() in text]
    assert leaks == []
    # The chain over the pseudonymised events verifies (nothing stored is rewritten: only new events change).
    from openbmis.audit import services as audit

    report = audit.verify()
    assert report.ok, report.problems
    assert report.checked == len(events)


def test_events_name_the_person_by_the_reference(flow):
    person, duplicate = flow
    ref = traveller_ref(person.pk)
    merge = AuditEvent.objects.get(action="traveller.merge")
    assert merge.object_id == traveller_ref(duplicate.pk) and merge.after["merged_into_ref"] == ref
    ban = AuditEvent.objects.get(action="entry_ban.impose")
    assert ban.after["traveller_ref"] == ref and "traveller" not in ban.after
    start = AuditEvent.objects.filter(action="inspection.start").order_by("seq").first()
    assert start.after["traveller_ref"] == ref
    assert str(person.pk) not in _event_json(ban) + _event_json(merge) + _event_json(start)


def test_the_auditor_finds_the_events_through_the_reference(flow, make_user, client, bearer, session_client):
    from openbmis.audit.subjects import events_about

    person, duplicate = flow
    found = {e.action for e in events_about([person.pk])}
    assert {"inspection.start", "crossing.admit", "entry_ban.impose", "traveller.merge"} <= found
    # The merged identity's own events are found through its reference too.
    assert "traveller.merge" in {e.action for e in events_about([duplicate.pk])}
    auditor = make_user("auditor", None)
    page = session_client(auditor).get("/audit/", {"traveller": PERSON["document_number"]}).content.decode()
    assert "entry_ban.impose" in page and "traveller.merge" in page and "inspection.start" in page

    api = client.get("/api/audit/events", {"traveller": PERSON["document_number"], "limit": 1000},
                     headers=bearer(auditor))
    assert api.status_code == 200, api.content
    assert {"inspection.start", "crossing.admit", "entry_ban.impose", "traveller.merge"} <= {
        e["action"] for e in api.json()}
    assert "borderpost.create" not in {e["action"] for e in api.json()}  # only the events about this person
    by_id = client.get("/api/audit/events", {"traveller": str(person.pk)}, headers=bearer(auditor)).json()
    assert {e["id"] for e in by_id} == {e["id"] for e in api.json()}
    unknown = client.get("/api/audit/events", {"traveller": "NOPE0000"}, headers=bearer(auditor))
    assert unknown.status_code == 404 and "traveller" in unknown.content.decode()


def test_the_writer_pseudonymises_whatever_a_caller_passes(db):
    """The one place: a snapshot of a traveller, a document number in a nested list, an MRZ in a reason."""
    from openbmis import mrz
    from openbmis.audit import services as audit
    from openbmis.audit.refs import value_ref
    from openbmis.core.pii import short_hash
    from openbmis.travellers.models import Traveller

    person = Traveller.objects.create(primary_identifier="KAMAU", secondary_identifier="JOSEPH MWANGI",
                                      birth_date=PERSON["birth_date"], nationality="KEN", sex="M")
    lines = mrz.make({"format": "TD3", "document_code": "P", "issuing_state": "KEN", "document_number": "K2222222",
                      "primary_identifier": "KAMAU", "secondary_identifier": "JOSEPH MWANGI", "nationality": "KEN",
                      "birth_date": PERSON["birth_date"], "sex": "M", "expiry_date": date(2031, 1, 1),
                      "optional_data": ""})
    event = audit.record(actor="test", action="traveller.test", object_type="traveller", object_id=str(person.pk),
                         before=audit.snapshot(person),
                         after={"rows": [{"document_number": "K2222222", "traveller_id": str(person.pk)}],
                                "mrz": lines, "nationality": "KEN"},
                         reason=f"read at the counter: {lines}")
    event.refresh_from_db()
    text = _event_json(event).upper()
    assert [v for v in _clear_values() if v.upper() in text] == [] and str(person.pk).upper() not in text
    assert event.object_id == traveller_ref(person.pk)
    assert event.before["primary_identifier"] == value_ref("name", "KAMAU") != short_hash("KAMAU")
    assert event.before["birth_date"] == value_ref("birth_date", PERSON["birth_date"])
    assert event.before["nationality"] == "KEN" and event.before["sex"] == "M"  # not identifying alone: kept
    assert event.after["rows"] == [{"document_number": value_ref("document", "K2222222"),
                                    "traveller_ref": traveller_ref(person.pk)}]
    assert event.reason == "read at the counter: [MRZ removed]\n[MRZ removed]"  # each line
    # The chain verifies over the pseudonymised event.
    assert audit.verify().ok
