"""The presence table: kept as crossings are recorded, equal to a rebuild from the crossings, and what the
overstay detection reads; retention of ended overstays and bans."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import pytest
from django.utils import timezone

from openbmis.audit.models import AuditEvent
from openbmis.cli.main import main as cli
from openbmis.inspections import services as inspections
from openbmis.inspections.models import Crossing
from openbmis.permits import presence, services
from openbmis.permits.models import EntryBan, Overstay, Presence
from openbmis.travellers import services as travellers

pytestmark = pytest.mark.django_db


@pytest.fixture
def record(officer, two_posts):
    """record(mrz, direction, decision="admit", permitted_until=None) -> Crossing, through the services."""

    def make(text, direction="entry", decision="admit", permitted_until=None, reasons=None):
        started = inspections.start_inspection(officer, border_post=two_posts[0], client_id=uuid.uuid4(),
                                               direction=direction, mrz_text=text)
        return inspections.decide(officer, started.inspection, decision=decision, permitted_until=permitted_until,
                                  reasons=reasons or ([] if decision == "admit" else ["E"]))

    return make


def rows() -> list[tuple]:
    return sorted((str(p.traveller_id), p.last_at, p.in_country, str(p.entry_id), p.permitted_until)
                  for p in Presence.objects.all())


def test_each_admitted_crossing_moves_the_traveller_and_equals_a_rebuild(rule, record, mrz_for):
    rule()
    until = timezone.localdate() + timedelta(days=20)
    entry = record(mrz_for(), "entry", permitted_until=until)
    row = Presence.objects.get(traveller_id=entry.traveller_id)
    assert (row.in_country, row.entry_id, row.permitted_until) == (True, entry.id, until)
    # a refused exit leaves the traveller inside; an admitted exit takes them out
    record(mrz_for(), "exit", decision="refuse")
    assert Presence.objects.get(traveller_id=entry.traveller_id).in_country is True
    out = record(mrz_for(), "exit")
    row = Presence.objects.get(traveller_id=entry.traveller_id)
    assert (row.in_country, row.entry_id, row.permitted_until, row.last_at) == (False, None, None, out.at)
    # a second traveller refused at entry has no row: never admitted
    record(mrz_for(document_number="R0000001", primary_identifier="REFUSED"), "entry", decision="refuse")
    other = record(mrz_for(document_number="B0000002", primary_identifier="BARASA"), "entry")
    assert Presence.objects.count() == 2
    assert presence.differences() == (0, 0)
    kept = rows()
    assert presence.rebuild() == 2
    assert rows() == kept
    assert Presence.objects.get(traveller_id=other.traveller_id).in_country is True


def test_an_older_crossing_arriving_late_changes_nothing(rule, record, mrz_for):
    rule()
    late_exit = record(mrz_for(), "exit")
    entry = record(mrz_for(), "entry", permitted_until=timezone.localdate() + timedelta(days=5))
    # the exit was in fact made ten days before the entry, at a post that was offline, and arrives now
    Crossing.objects.filter(pk=late_exit.pk).update(at=entry.at - timedelta(days=10))
    late_exit.refresh_from_db()
    presence.note_crossing(late_exit)
    row = Presence.objects.get(traveller_id=entry.traveller_id)
    assert (row.in_country, row.entry_id) == (True, entry.id)
    assert presence.differences() == (0, 0)


def test_an_extension_moves_the_end_of_stay_and_the_detection_follows(rule, past_crossing, mrz_for, admin):
    rule()
    entry = past_crossing(mrz_for(), "entry", days_ago=40, permitted_days=30)
    assert services.detect_overstays().overstaying == 1
    later = timezone.localdate() + timedelta(days=10)
    services.grant_extension(admin, entry.traveller, until=later, reason="hospital stay")
    assert Presence.objects.get(traveller_id=entry.traveller_id).permitted_until == later
    assert presence.differences() == (0, 0)
    report = services.detect_overstays()
    assert (report.in_country, report.overstaying) == (1, 0)
    assert Overstay.objects.get().status == "extended"


def test_the_table_is_what_the_detection_reads(rule, past_crossing, mrz_for):
    rule()
    past_crossing(mrz_for(), "entry", days_ago=40, permitted_days=30)
    Presence.objects.all().delete()
    # without the table the traveller is not known to be in the country: the check says so, a rebuild mends it
    assert services.detect_overstays().in_country == 0
    assert presence.differences() == (1, 0)
    assert cli(["overstays", "check"]) == 1
    assert cli(["overstays", "rebuild"]) == 0
    assert cli(["overstays", "check"]) == 0
    assert AuditEvent.objects.filter(action="presence.rebuild").count() == 1
    assert services.detect_overstays().overstaying == 1


def test_a_merge_moves_the_presence_with_the_crossings(rule, record, mrz_for, make_user, two_posts):
    rule()
    first = record(mrz_for(), "entry")
    record(mrz_for(), "exit")
    second = record(mrz_for(document_number="Z9999999", primary_identifier="ODHIAMBOO", birth_date=date(1991, 5, 17)),
                    "entry")
    assert first.traveller_id != second.traveller_id
    supervisor = make_user("supervisor", two_posts[0], username="merger")
    travellers.merge(supervisor, second.traveller, first.traveller, reason="same person, typo in the name")
    assert list(Presence.objects.values_list("traveller_id", "in_country")) == [(first.traveller_id, True)]
    assert presence.differences() == (0, 0)


def test_retention_deletes_old_ended_overstays_and_bans_only(rule, past_crossing, mrz_for, admin, settings):
    settings.OPENBMIS_OVERSTAY_RETENTION_DAYS = 365
    rule()
    now = timezone.now()
    long_ago = now - timedelta(days=400)
    made = []
    for n, name in enumerate(["OLDEXIT", "RECENT", "OPENONE", "BANNED"]):
        past_crossing(mrz_for(document_number=f"D000000{n}", primary_identifier=name), "entry", days_ago=40,
                      permitted_days=30)
    services.detect_overstays()
    made = {o.traveller.primary_identifier: o for o in Overstay.objects.select_related("traveller")}
    Overstay.objects.filter(pk__in=[made["OLDEXIT"].pk, made["BANNED"].pk]).update(status="exited", ended_at=long_ago)
    Overstay.objects.filter(pk=made["RECENT"].pk).update(status="exited", ended_at=now - timedelta(days=30))
    kept_ban = services.impose_ban(admin, traveller=made["BANNED"].traveller, overstay=made["BANNED"], source="overstay",
                                   starts_on=date.today() - timedelta(days=390), reason="overstayed")
    old_ban = services.impose_ban(admin, surname="GONE", nationality="KEN", starts_on=date.today() - timedelta(days=900),
                                  ends_on=date.today() - timedelta(days=500), reason="expired long ago")
    lifted = services.impose_ban(admin, surname="LIFTED", nationality="KEN", starts_on=date.today(), reason="error")
    services.lift_ban(admin, lifted, "imposed in error")
    counts = cli(["retention", "purge"])
    assert counts == 0
    assert set(Overstay.objects.values_list("traveller__primary_identifier", flat=True)) == {
        "RECENT", "OPENONE", "BANNED"}
    assert set(EntryBan.objects.values_list("id", flat=True)) == {kept_ban.id, lifted.id}
    assert not EntryBan.objects.filter(pk=old_ban.pk).exists()
    bans = AuditEvent.objects.get(action="retention.purge", object_id="entry_bans")
    assert bans.after["counts"] == {"entry bans": 1}
    assert AuditEvent.objects.get(action="retention.purge", object_id="overstays").after["counts"] == {"overstays": 1}


def _typo_identity(mrz_for):
    return mrz_for(document_number="Z9999999", primary_identifier="ODHIAMBOO", birth_date=date(1991, 5, 17))


def test_a_merge_carries_an_open_overstay_to_the_identity_that_now_holds_the_stay(
        rule, past_crossing, mrz_for, make_user, two_posts):
    rule()
    first = past_crossing(mrz_for(), "entry", days_ago=100, permitted_days=30)
    past_crossing(mrz_for(), "exit", days_ago=90)
    second = past_crossing(_typo_identity(mrz_for), "entry", days_ago=40, permitted_days=30)
    assert services.detect_overstays().new == 1
    supervisor = make_user("supervisor", two_posts[0], username="merger")
    travellers.merge(supervisor, second.traveller, first.traveller, reason="same person, typo in the name")
    # (the fixture's exit, recorded today then moved back, also left an ended overstay of the first stay)
    overstay = Overstay.objects.get(status="open")
    assert (overstay.traveller_id, overstay.entry_id) == (first.traveller_id, second.id)
    report = services.detect_overstays()
    assert (report.overstaying, report.new, report.ended) == (1, 0, 0)


def test_a_merge_of_two_open_overstays_keeps_the_current_stay_open(
        rule, past_crossing, mrz_for, make_user, two_posts):
    rule()
    first = past_crossing(mrz_for(), "entry", days_ago=70, permitted_days=30)
    second = past_crossing(_typo_identity(mrz_for), "entry", days_ago=40, permitted_days=30)
    assert services.detect_overstays().new == 2
    supervisor = make_user("supervisor", two_posts[0], username="merger")
    travellers.merge(supervisor, second.traveller, first.traveller, reason="same person, typo in the name")
    rows = {o.entry_id: (o.traveller_id, o.status) for o in Overstay.objects.all()}
    # the later entry is the identity's current stay; the earlier one had no recorded exit and is over
    assert rows == {second.id: (first.traveller_id, "open"), first.id: (first.traveller_id, "extended")}
    report = services.detect_overstays()
    assert (report.overstaying, report.new, report.ended) == (1, 0, 0)
