"""Ingestion, supersession, pre-arrival screening and queue, the counter's advance check, reconciliation."""

from __future__ import annotations

import datetime as dt

import pytest

from openbmis.core.errors import AccessDenied, InvalidInput
from openbmis.manifests import services
from openbmis.manifests.models import Manifest, ManifestPerson, PreArrivalHit

from .helpers import inspect, manifest_text, person


def test_ingest_stores_raw_hash_and_screens_everyone(airport, carrier, watchlist, passengers):
    text = manifest_text(passengers)
    done = services.ingest("test", text, source="cli")
    (manifest,) = done.manifests
    assert done.errors == [] and not done.duplicate
    assert manifest.raw == text and len(manifest.sha256) == 64
    assert (manifest.carrier, manifest.flight, manifest.arrival_post) == (carrier, "UA123", airport)
    assert manifest.flight_date == dt.date.today() and manifest.status == "current"
    assert manifest.person_count == 3 and manifest.screened_at is not None
    rows = list(manifest.persons.order_by("position"))
    assert all(p.screening != ManifestPerson.Screening.PENDING for p in rows)
    assert [c["code"] for c in rows[0].checks] == list(services.PRE_ARRIVAL_SLOTS)
    hits = list(PreArrivalHit.objects.all())
    assert [(h.person.surname, h.status, h.border_post) for h in hits] == [("DOE", "pending", airport)]
    assert rows[0].screening == "findings"
    # the CUSRES acknowledgement says accepted
    assert "CUSRES" in done.cusres and "BGM+312++29'" in done.cusres
    # the same interchange again is recognised, not stored twice
    again = services.ingest("test", text, source="cli")
    assert again.duplicate and Manifest.objects.count() == 1


def test_no_identity_is_created_before_arrival(airport, carrier, watchlist, passengers):
    from openbmis.travellers.models import Traveller

    services.ingest("test", manifest_text(passengers), source="cli")
    assert Traveller.objects.count() == 0


def test_change_supersedes_and_cancel_cancels(airport, carrier, passengers):
    first = services.ingest("test", manifest_text(passengers, reference="1"), source="cli").manifests[0]
    second = services.ingest("test", manifest_text(passengers[:2], function="change", reference="2"),
                             source="cli").manifests[0]
    first.refresh_from_db()
    assert (first.status, second.status, second.supersedes) == ("superseded", "current", first)
    third = services.ingest("test", manifest_text(passengers[:2], function="cancel", reference="3"),
                            source="cli").manifests[0]
    second.refresh_from_db()
    assert (second.status, third.status) == ("cancelled", "cancelled")
    assert Manifest.objects.count() == 3  # history kept
    # a crew list of the same flight is a manifest of its own
    crew = [person("PILOT", "ONE", "CR000001", role="crew")]
    fourth = services.ingest("test", manifest_text(crew, kind="crew", reference="4"), source="cli").manifests[0]
    assert (fourth.kind, fourth.status, fourth.supersedes) == ("crew", "current", None)


def test_unreadable_and_unknown_carrier_refused(airport, carrier, passengers):
    with pytest.raises(InvalidInput) as caught:
        services.ingest("test", b"hello", source="cli")
    assert caught.value.field == "file"
    with pytest.raises(InvalidInput) as caught:
        services.ingest("test", manifest_text(passengers, flight="BA100"), source="cli")
    assert caught.value.field == "carrier"


def test_carrier_submits_only_its_own_flights(airport, carrier, make_user, passengers):
    from openbmis.manifests.models import Carrier

    Carrier.objects.create(code="BA", name="British")
    with pytest.raises(AccessDenied):
        services.ingest(carrier.account, manifest_text(passengers, flight="BA100"), source="api")
    done = services.ingest(carrier.account, manifest_text(passengers), source="api")
    assert done.manifests[0].carrier == carrier
    # the same bytes again: the carrier gets its own manifests back, another carrier's account gets nothing
    british = make_user(None, username="ba-system")
    Carrier.objects.filter(code="BA").update(account=british)
    assert services.ingest(carrier.account, manifest_text(passengers), source="api").duplicate
    with pytest.raises(AccessDenied):
        services.ingest(british, manifest_text(passengers), source="api")
    stranger = make_user("primary_officer", airport)
    with pytest.raises(AccessDenied):
        services.ingest(stranger, manifest_text(passengers, reference="9"), source="api")


def test_manifest_errors_are_kept(airport, carrier, passengers):
    text = manifest_text(passengers).replace("CNT+42:3", "CNT+42:4")
    done = services.ingest("test", text, source="cli")
    assert [e["code"] for e in done.errors] == ["count"]
    assert done.manifests[0].errors[0]["tag"] == "CNT"
    assert "ERP" in done.cusres and "BGM+312++27'" in done.cusres


def test_expired_document_and_entry_ban_found_before_arrival(airport, carrier, passengers, make_user):
    from openbmis.permits import services as permits

    passengers[1].documents[0].expiry_date = "2020-01-01"
    permits.impose_ban(make_user("administrator", None), surname="KAMAU", nationality="KEN",
                       birth_date=dt.date(1957, 1, 21), starts_on=dt.date(2020, 1, 1), reason="test ban")
    manifest = services.ingest("test", manifest_text(passengers), source="cli").manifests[0]
    smith = manifest.persons.get(surname="SMITH")
    document = next(c for c in smith.checks if c["code"] == "document")
    assert document["status"] == "fail" and "expired" in document["message"]
    assert smith.screening == "findings"
    kamau = manifest.persons.get(surname="KAMAU")
    ban = next(c for c in kamau.checks if c["code"] == "entry_ban")
    assert ban["status"] == "fail" and ban["details"]["bans"][0]["matched_by"] == "identity"


def test_queue_judgement_and_counter(airport, carrier, watchlist, passengers, make_user):
    manifest = services.ingest("test", manifest_text(passengers), source="cli").manifests[0]
    officer = make_user("prearrival_officer", airport)
    (hit,) = services.queue(officer, border_post=airport)
    with pytest.raises(InvalidInput):
        services.judge(officer, hit, status="no_match", reason=" ")
    services.judge(officer, hit, status="no_match", reason="different birth year on the list")
    assert services.queue(officer, border_post=airport) == []
    # a primary officer may not judge
    with pytest.raises(AccessDenied):
        services.judge(make_user("primary_officer", airport), hit, status="match", reason="x")

    counter = make_user("primary_officer", airport)
    inspection = inspect(counter, airport, passengers[0], flight="UA123")
    advance = next(c for c in inspection.checks if c["code"] == "advance")
    assert advance["status"] == "pass" and "judged no match" in advance["message"]
    assert advance["details"]["flight"] == "UA123" and advance["details"]["hits"][0]["status"] == "no_match"
    assert ManifestPerson.objects.get(surname="DOE").inspection == inspection

    # a traveller on the same flight who was not listed is flagged
    stranger = person("OTHER", "PERSON", "OT000009")
    other = inspect(counter, airport, stranger, flight="UA123")
    flagged = next(c for c in other.checks if c["code"] == "advance")
    assert flagged["status"] == "warn" and "Not listed" in flagged["message"]

    report = services.reconcile(manifest)
    assert (report["listed"], report["arrived"]) == (3, 1)
    assert [x["inspection"] for x in report["not_listed"]] == [str(other.id)]
    assert report["mismatches"] == []


def test_pending_and_match_at_the_counter(airport, carrier, watchlist, passengers, make_user):
    services.ingest("test", manifest_text(passengers), source="cli")
    counter = make_user("primary_officer", airport)
    inspection = inspect(counter, airport, passengers[0])
    advance = next(c for c in inspection.checks if c["code"] == "advance")
    assert advance["status"] == "warn" and "not yet judged" in advance["message"]
    assert inspection.suggested_action == "refer"


def test_mismatch_reported(airport, carrier, passengers, make_user):
    manifest = services.ingest("test", manifest_text(passengers), source="cli").manifests[0]
    presented = person("DOE", "JOHN WAYNE", "MB140241", birth="1958-01-21")
    inspect(make_user("primary_officer", airport), airport, presented, flight="UA123")
    (mismatch,) = services.reconcile(manifest)["mismatches"]
    assert mismatch["fields"] == {"birth_date": {"manifest": "1957-01-21", "document": "1958-01-21"}}


def test_compliance_figures(airport, carrier, passengers, make_user):
    late = manifest_text(passengers)
    done = services.ingest("test", late, source="cli",
                           now=dt.datetime.combine(dt.date.today(), dt.time(3, 0), tzinfo=dt.UTC))
    incomplete = [person("NOBIRTH", "X", "NB000001", birth="")]
    incomplete[0].birth_date = None
    services.ingest("test", manifest_text(incomplete, flight="UA7", reference="5"), source="cli",
                    now=dt.datetime.combine(dt.date.today(), dt.time(0, 0), tzinfo=dt.UTC))
    inspect(make_user("primary_officer", airport), airport, person("LONE", "ONE", "LO000001"), flight="UA999")
    analyst = make_user("analyst", None)
    start = dt.date.today().replace(day=1)
    (row,) = services.compliance(analyst, start=start, end=start + dt.timedelta(days=32))
    assert row["carrier"] == "UA" and row["manifests"] == 2
    assert (row["late"], row["incomplete"], row["with_errors"], row["missing"]) == (1, 1, 0, 1)
    assert done.manifests[0].late


def test_screening_queries_do_not_grow_with_the_manifest(airport, carrier, watchlist, make_user):
    """The visas, permits, rules and bans of a manifest are read in a batch: 40 persons cost the queries of 4."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from openbmis.permits import services as permits

    permits.create_rule(make_user("administrator", None), name="all exempt", nationality="*", document_type="*", category="exempt",
                        stay_kind="rolling", max_stay_days=90, window_days=180, valid_from=dt.date(2020, 1, 1))
    counts = []
    services.ingest("test", manifest_text([person("WARM", "UP", "W0000001")], flight="UA9"), source="cli")
    for n, flight in ((4, "UA1"), (40, "UA2")):
        people = [person(f"PERSON{chr(65 + i % 26)}", "TEST", f"N{n:02d}{i:05d}") for i in range(n)]
        with CaptureQueriesContext(connection) as queries:
            manifest = services.ingest("test", manifest_text(people, flight=flight, reference=flight),
                                       source="cli").manifests[0]
        visa = next(c for c in manifest.persons.first().checks if c["code"] == "visa")
        assert visa["status"] == "pass" and "all exempt" in visa["message"]
        # savepoints are not queries: each check runs in one when the caller holds a transaction (as here)
        counts.append([q["sql"][:80] for q in queries.captured_queries if "SAVEPOINT" not in q["sql"]])
    assert len(counts[0]) == len(counts[1]), counts[1]


def test_no_match_before_arrival_is_remembered_at_the_counter(airport, carrier, watchlist, passengers, make_user):
    """Judged no match in the pre-arrival queue: at the passenger's first inspection (no traveller in the registry
    yet), the counter is not alerted again for the same pair (the check warns and does not block), and the
    judgement becomes the traveller's no-match memory."""
    from openbmis.inspections import services as inspections
    from openbmis.watchlists.models import Hit, NoMatchMemory

    services.ingest("test", manifest_text(passengers), source="cli")
    officer = make_user("prearrival_officer", airport, username="targeting")
    (hit,) = services.queue(officer, border_post=airport)
    services.judge(officer, hit, status="no_match", reason="listed person is 30 years older")
    counter = make_user("primary_officer", airport)
    inspection = inspect(counter, airport, passengers[0], flight="UA123")
    watch = next(c for c in inspection.checks if c["code"] == "watchlist")
    assert watch["status"] == "warn" and "judged no match before (by targeting" in watch["message"]
    assert inspections.blocking_checks(inspection) == []
    (memory,) = NoMatchMemory.objects.all()
    assert (memory.traveller_id, memory.entry_id, memory.judged_by) == (inspection.traveller_id, hit.entry_id,
                                                                       officer)
    assert memory.reason == "listed person is 30 years older"
    counter_hit = Hit.objects.get(inspection=inspection)
    assert counter_hit.previous_no_match == memory and counter_hit.status == "pending"


def test_until_judged_no_match_before_arrival_the_counter_is_alerted(airport, carrier, watchlist, passengers,
                                                                     make_user):
    from openbmis.inspections import services as inspections
    from openbmis.watchlists.models import NoMatchMemory

    services.ingest("test", manifest_text(passengers), source="cli")
    officer = make_user("prearrival_officer", airport, username="targeting")
    (hit,) = services.queue(officer, border_post=airport)
    services.judge(officer, hit, status="unsure", reason="cannot tell from the manifest")
    counter = make_user("primary_officer", airport)
    first = inspect(counter, airport, passengers[0], flight="UA123")
    assert next(c for c in first.checks if c["code"] == "watchlist")["status"] == "fail"
    assert [b.code for b in inspections.blocking_checks(first)] == ["watchlist"]
    assert NoMatchMemory.objects.count() == 0
    # judged no match later (the traveller is now in the registry): the next inspection remembers it
    services.judge(officer, hit, status="no_match", reason="different birth date on the list")
    second = inspect(counter, airport, passengers[0], flight="UA123")
    assert next(c for c in second.checks if c["code"] == "watchlist")["status"] == "warn"
    assert NoMatchMemory.objects.get().traveller_id == second.traveller_id == first.traveller_id


def test_a_person_without_birth_date_or_nationality_is_still_checked_for_a_visa(airport, carrier, make_user):
    """Before arrival there is no traveller to fall back on: the visa check runs on what the manifest gives."""
    from openbmis.permits import services as permits

    permits.create_rule(make_user("administrator", None), name="all exempt", nationality="*", document_type="*",
                        category="exempt", stay_kind="rolling", max_stay_days=90, window_days=180,
                        valid_from=dt.date(2020, 1, 1))
    bare = person("BARE", "NO DATA", "BA000001")
    bare.birth_date = None
    bare.nationality = None
    manifest = services.ingest("test", manifest_text([bare]), source="cli").manifests[0]
    visa = next(c for c in manifest.persons.get().checks if c["code"] == "visa")
    assert visa["status"] == "pass" and "all exempt" in visa["message"], visa
