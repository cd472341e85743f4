"""Retention of watchlists: the daily retention run deletes removed entries and judged hits kept longer than
their list's ``retention_days`` (with the "no match" memories of what it deletes), never a pending hit, a
current entry or anything of a list without retention; and the retroactive screening window's setting."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from openbmis.audit.models import AuditEvent
from openbmis.core import retention
from openbmis.core.errors import Conflict
from openbmis.inspections import services as inspections
from openbmis.watchlists import services
from openbmis.watchlists.models import DocumentAlert, Hit, NoMatchMemory, WatchlistEntry, WatchlistImport

pytestmark = pytest.mark.django_db

ROWS = {key: {"id": key, "name": name} for key, name in (
    ("OLD", "Removed Long Ago"), ("RECENT", "Removed Lately"), ("CUR", "Still Listed"),
    ("HELD", "Removed But Pending"), ("JUDGED", "Removed And Judged"))}


def _versions(load, template_csv, watchlist, *steps):
    """Import each step (a list of row keys) as the next version; committed ``days`` ago."""
    for keys, days_ago in steps:
        record = load(watchlist, template_csv([ROWS[k] for k in keys]))
        assert record.status == "committed", record.errors
        WatchlistImport.objects.filter(id=record.id).update(committed_at=timezone.now() - timedelta(days=days_ago))


@pytest.fixture
def travellers(make_user, two_posts, mrz_for):
    """Two travellers with an inspection each at post A (made through the inspection service)."""
    chief = make_user("supervisor", None)
    made = []
    for n in (1, 2):
        made.append(inspections.start_inspection(
            chief, border_post=two_posts[0], client_id=uuid.uuid4(), direction="entry",
            mrz_text=mrz_for(document_number=f"R{n}000001", primary_identifier=f"RETAIN{'AB'[n - 1]}")).inspection)
    return made


def _hit(inspection, target, *, judge=None, status="", days_ago=0, previous=None):
    """A hit on ``target`` for the inspection's traveller, judged through the service ``days_ago`` days ago."""
    key = {"entry": target} if isinstance(target, WatchlistEntry) else {"document_alert": target}
    hit = Hit.objects.create(inspection=inspection, border_post=inspection.border_post, traveller=inspection.traveller,
                             watchlist=target.watchlist, name=target.name, score=0.9, algorithm="test",
                             algorithm_version="0", data={}, previous_no_match=previous, **key)
    if status:
        hit = services.judge_hit(judge, hit, status=status, reason="retention test")
        when = timezone.now() - timedelta(days=days_ago)
        Hit.objects.filter(id=hit.id).update(judged_at=when)
        NoMatchMemory.objects.filter(hit=hit).update(judged_at=when)
    return hit


def _entry(watchlist, key):
    return WatchlistEntry.objects.get(watchlist=watchlist, external_id=key)


def test_purge_deletes_only_what_is_past_retention(make_list, load, template_csv, documents_csv, travellers,
                                                   secondary):
    kept_list = make_list("Kept forever")  # no retention: untouched whatever its age
    timed = make_list("Timed", retention_days=30)
    for watchlist in (kept_list, timed):
        # v2 (40 days ago) removes OLD, HELD and JUDGED; v3 (10 days ago) removes RECENT
        _versions(load, template_csv, watchlist, (list(ROWS), 100), (["RECENT", "CUR"], 40), (["CUR"], 10))
    first, second = travellers
    made = {}
    for watchlist in (kept_list, timed):
        cur, held, judged = (_entry(watchlist, k) for k in ("CUR", "HELD", "JUDGED"))
        old_no_match = _hit(first, cur, judge=secondary, status="no_match", days_ago=40)
        memory = NoMatchMemory.objects.get(hit=old_no_match)
        made[watchlist.name] = {
            "old_no_match": old_no_match, "memory": memory,
            # a later hit for the pair that showed the old "no match": kept (pending), loses only the link
            "pending": _hit(first, cur, previous=memory),
            "recent": _hit(second, cur, judge=secondary, status="unsure", days_ago=5),
            "held": _hit(second, held),  # pending on an entry removed long ago: both kept
            "judged": _hit(second, judged, judge=secondary, status="no_match", days_ago=31),
        }
    stolen = make_list("Timed documents", kind="documents", retention_days=30)
    load(stolen, documents_csv([{"id": "D-1", "issuing_state": "KEN", "number": "K1", "status": "stolen"},
                                {"id": "D-2", "issuing_state": "KEN", "number": "K2", "status": "lost"}]))
    record = load(stolen, documents_csv([{"id": "D-2", "issuing_state": "KEN", "number": "K2", "status": "lost"}]))
    WatchlistImport.objects.filter(id=record.id).update(committed_at=timezone.now() - timedelta(days=31))
    before = {w: set(WatchlistEntry.objects.filter(watchlist=w).values_list("external_id", flat=True))
              for w in (kept_list, timed)}
    assert before[timed] == set(ROWS)

    counts = retention.purge()

    assert counts["watchlists"] == {"entries": 2, "document_alerts": 1, "hits": 2, "no_match_memories": 2,
                                    "import_files": 2}
    # the files of versions superseded more than 30 days ago are emptied (v1, superseded by v2 40 days ago;
    # the documents list's first file, superseded 31 days ago); the others are kept; metadata stays
    files = {(i.watchlist.name, i.version): bytes(i.content) != b"" for i in WatchlistImport.objects.all()}
    assert files == {("Kept forever", 1): True, ("Kept forever", 2): True, ("Kept forever", 3): True,
                     ("Timed", 1): False, ("Timed", 2): True, ("Timed", 3): True,
                     ("Timed documents", 1): False, ("Timed documents", 2): True}
    emptied = WatchlistImport.objects.get(watchlist=timed, version=1)
    assert emptied.file_size > 0 and len(emptied.file_sha256) == 64 and emptied.diff == {}
    # the list with retention: removed 40 days ago, and removed 40 days ago with its only hit judged 31 days
    # ago, go; removed 10 days ago, current, and removed but held by a pending hit stay
    assert set(WatchlistEntry.objects.filter(watchlist=timed).values_list("external_id", flat=True)) == {
        "RECENT", "CUR", "HELD"}
    timed_hits = made["Timed"]
    assert set(Hit.objects.filter(watchlist=timed).values_list("id", flat=True)) == {
        timed_hits["pending"].id, timed_hits["recent"].id, timed_hits["held"].id}
    assert not NoMatchMemory.objects.filter(id=timed_hits["memory"].id).exists()
    assert not NoMatchMemory.objects.filter(entry__watchlist=timed).exists()
    pending = Hit.objects.get(id=timed_hits["pending"].id)
    assert pending.status == "pending" and pending.previous_no_match_id is None
    # the list without retention: all of it as it was
    assert set(WatchlistEntry.objects.filter(watchlist=kept_list).values_list("external_id", flat=True)) == set(ROWS)
    assert Hit.objects.filter(watchlist=kept_list).count() == 5
    assert NoMatchMemory.objects.filter(entry__watchlist=kept_list).count() == 2
    assert list(DocumentAlert.objects.filter(watchlist=stolen).values_list("external_id", flat=True)) == ["D-2"]
    # one audit event with the counts, and nothing that names a deleted entry or traveller
    event = AuditEvent.objects.get(action="retention.purge", object_id="watchlists")
    assert event.after == counts["watchlists"]
    assert "Removed" not in str(event.after) and "RETAIN" not in str(event.after)
    # Run again: nothing more is past retention; the pending hit's entry goes once it is judged and old.
    assert retention.purge()["watchlists"] == {"entries": 0, "document_alerts": 0, "hits": 0,
                                               "no_match_memories": 0, "import_files": 0}
    _held = services.judge_hit(secondary, Hit.objects.get(id=timed_hits["held"].id), status="match", reason="x")
    Hit.objects.filter(id=_held.id).update(judged_at=timezone.now() - timedelta(days=31))
    assert services.purge_expired(timezone.now()) == {"entries": 1, "document_alerts": 0, "hits": 1,
                                                      "no_match_memories": 0, "import_files": 0}
    assert not WatchlistEntry.objects.filter(watchlist=timed, external_id="HELD").exists()


def test_retention_is_measured_from_the_purge_instant(make_list, load, template_csv):
    timed = make_list("Timed", retention_days=30)
    _versions(load, template_csv, timed, (["OLD", "CUR"], 50), (["CUR"], 20))
    assert services.purge_expired(timezone.now())["entries"] == 0
    assert services.purge_expired(timezone.now() + timedelta(days=11))["entries"] == 1


def test_an_entry_that_comes_back_after_its_purge_is_added_again(make_list, load, template_csv):
    timed = make_list("Timed", retention_days=0)
    _versions(load, template_csv, timed, (["OLD", "CUR"], 2), (["CUR"], 1))
    assert services.purge_expired(timezone.now())["entries"] == 1
    record = load(timed, template_csv([ROWS["OLD"], ROWS["CUR"]]))
    assert record.status == "committed" and record.added_count == 1
    assert _entry(timed, "OLD").current


def test_commit_refused_when_retention_purged_what_it_would_bring_back(make_list, load, template_csv,
                                                                       monkeypatch):
    timed = make_list("Timed", retention_days=0)
    _versions(load, template_csv, timed, (["OLD", "CUR"], 2), (["CUR"], 1))
    preview = load(timed, template_csv([ROWS["OLD"], ROWS["CUR"]]), commit=False)
    assert preview.status == "preview" and preview.added_count == 1
    compare = services._diff

    def purge_after_comparing(*args, **kwargs):
        diff = compare(*args, **kwargs)
        services.purge_expired(timezone.now())  # the daily run, between the comparison and the write
        return diff

    from openbmis.watchlists.services import imports as import_services

    monkeypatch.setattr(import_services, "_diff", purge_after_comparing)
    with pytest.raises(Conflict, match="purged"):
        services.commit_import("test", preview)
    monkeypatch.undo()
    assert not WatchlistEntry.objects.filter(watchlist=timed, external_id="OLD").exists()
    committed = services.commit_import("test", WatchlistImport.objects.get(id=preview.id))  # again: added anew
    assert committed.status == "committed" and _entry(timed, "OLD").current


def test_retroactive_days_reads_the_setting(settings):
    settings.OPENBMIS_RETROACTIVE_SCREENING_DAYS = 7
    assert services.retroactive_days() == 7
    settings.OPENBMIS_RETROACTIVE_SCREENING_DAYS = 0
    assert services.retroactive_days() == 0


def test_retroactive_screening_uses_the_configured_window(settings, national, load, template_csv, make_user,
                                                          two_posts, mrz_for):
    from openbmis.inspections.models import Crossing

    officer = make_user("primary_officer", two_posts[1])
    traveller = dict(primary_identifier="MWANGI", secondary_identifier="PETER", nationality="KEN",
                     issuing_state="KEN", document_number="P7000002", sex="M")
    for direction in ("entry", "exit"):  # crossed and left: screened only within the window
        done = inspections.start_inspection(officer, border_post=two_posts[1], client_id=uuid.uuid4(),
                                            direction=direction, mrz_text=mrz_for(**traveller)).inspection
        inspections.decide(officer, done, decision="admit")
    Crossing.objects.update(at=timezone.now() - timedelta(days=20))
    record = load(national, template_csv([{"id": "NAT-7", "name": "Peter Mwangi", "countries": "KEN"}]))
    settings.OPENBMIS_RETROACTIVE_SCREENING_DAYS = 10
    assert services.screen_retroactively(national, record.version) == []
    settings.OPENBMIS_RETROACTIVE_SCREENING_DAYS = 30
    [alert] = services.screen_retroactively(national, record.version)
    assert alert.data["retroactive"]["days"] == 30
