"""Reads of hits, entry bans, the visa and permit registry and overstays leave an access event naming the reader,
the records and the travellers (by pseudonymous reference), on pages and over the API (issue 14)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from openbmis.audit.models import AuditEvent
from openbmis.audit.refs import traveller_ref


@pytest.fixture
def held(db, two_posts, make_user):
    """A traveller with a hit at post A, an entry ban and a visa in the registry."""
    from openbmis.permits.models import EntryBan, Visa
    from openbmis.travellers.models import TravelDocument, Traveller
    from openbmis.watchlists.models import Hit, Watchlist

    traveller = Traveller.objects.create(primary_identifier="PROBE", nationality="KEN")
    TravelDocument.objects.create(traveller=traveller, document_code="P", issuing_state="KEN", number="PR0BE001")
    watchlist = Watchlist.objects.create(name="probe list", kind="persons")
    hit = Hit.objects.create(border_post=two_posts[0], traveller=traveller, watchlist=watchlist, name="PROBE",
                             score=0.9, algorithm="test", algorithm_version="1", data={})
    ban = EntryBan.objects.create(traveller=traveller, surname="PROBE", nationality="KEN", starts_on=date.today(),
                                  reason="test", imposed_by=make_user("administrator"))
    visa = Visa.objects.create(number="V123", entries="single", valid_from=date.today(),
                               valid_until=date.today() + timedelta(days=30), duration_days=30, surname="PROBE",
                               nationality="KEN", passport_number="PR0BE001")
    return {"traveller": traveller, "hit": hit, "ban": ban, "visa": visa}


def _read(user, purpose):
    return AuditEvent.objects.filter(action__startswith="access.", actor_label=user.username,
                                     after__purpose=purpose).order_by("-seq").first()


def test_every_read_of_these_records_is_in_the_access_log(held, two_posts, make_user, client, bearer, session_client):
    person = held["traveller"].id
    secondary = make_user("secondary_officer", two_posts[0])
    supervisor = make_user("supervisor", two_posts[0])
    reads = [
        (secondary, lambda: session_client(secondary).get("/hits/"), "page:hit_queue", held["hit"].id),
        (secondary, lambda: session_client(secondary).get(f"/hits/{held['hit'].id}/"), "page:hit", held["hit"].id),
        (secondary, lambda: client.get("/api/hits", {"border_post": "TST-A"}, headers=bearer(secondary)),
         "api:list_hits", held["hit"].id),
        (supervisor, lambda: client.get("/api/entry-bans", headers=bearer(supervisor)), "api:entry_bans",
         held["ban"].id),
        (supervisor, lambda: session_client(supervisor).get("/permits/bans/"), "page:entry_bans", held["ban"].id),
        (supervisor, lambda: client.get("/api/visas", {"passport_number": "PR0BE001"}, headers=bearer(supervisor)),
         "api:visas", held["visa"].id),
        (supervisor, lambda: session_client(supervisor).get("/permits/visas/", {"q": "PR0BE001"}), "page:visas",
         held["visa"].id),
    ]
    for reader, call, purpose, record in reads:
        response = call()
        assert response.status_code == 200, (purpose, response.status_code)
        event = _read(reader, purpose)
        assert event is not None, purpose
        assert str(record) in event.after["ids"], purpose
        assert traveller_ref(person) in event.after["traveller_refs"], purpose
        assert "PROBE" not in str(event.after) and "PR0BE001" not in str(event.after), purpose
    # The auditor's question "who looked at this person" now has these answers too.
    auditor = make_user("auditor")
    answered = {r["after"]["purpose"] for r in client.get("/api/audit/accesses", {"traveller": str(person)},
                                                          headers=bearer(auditor)).json()}
    assert {"page:hit_queue", "page:hit", "api:list_hits", "api:entry_bans", "page:entry_bans", "api:visas",
            "page:visas"} <= answered


def test_the_secondary_queue_and_the_counters_recent_list_are_reads(inspect, decide, mrz_for, officer, two_posts,
                                                                     make_user, session_client):
    data = inspect(mrz=mrz_for()).json()
    assert decide(data["id"], decision="refer", note="check the stamp").status_code == 200
    person = data["traveller"]["id"]
    secondary = make_user("secondary_officer", two_posts[0])
    assert session_client(secondary).get("/secondary/").status_code == 200
    queue = _read(secondary, "page:secondary_queue")
    assert queue is not None and traveller_ref(person) in queue.after["traveller_refs"]
    assert session_client(officer).get("/inspect/").status_code == 200
    recent = _read(officer, "page:counter_recent")
    assert recent is not None and data["id"] in recent.after["ids"]
