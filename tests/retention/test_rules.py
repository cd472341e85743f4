"""Every record type with personal data has a retention rule; the dry run reports and deletes nothing; the purge
deletes what is due, spares held travellers, audits counts per rule, and leaves past statistics unchanged."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from django.apps import apps
from django.utils import timezone

from openbmis.audit.models import AuditEvent
from openbmis.cli.main import main as cli
from openbmis.core import retention
from openbmis.inspections.models import Crossing, Inspection
from openbmis.retention import services
from openbmis.travellers.models import Traveller

pytestmark = pytest.mark.django_db

# What makes a model hold a traveller's personal data: a link to one of these, or a field of these names.
ANCHORS = {"travellers.Traveller", "travellers.TravelDocument", "inspections.Inspection", "inspections.Crossing",
           "inspections.Referral", "documents.Examination", "watchlists.Hit", "permits.Overstay", "permits.Visa",
           "manifests.Manifest", "manifests.ManifestPerson", "permits.EntryBan"}
PERSONAL_FIELDS = {"surname", "given_names", "primary_identifier", "secondary_identifier", "birth_date",
                   "passport_number", "document_number", "photo", "image", "mrz"}
# Models that carry copies of records in a JSON payload (no field name gives them away).
PAYLOADS = {"audit.AuditEvent", "network.InboxRecord", "network.OutboxRecord", "network.RemoteAuditEvent",
            "network.FeedChange"}
# Staff records (users, training, assessments) are not travellers' data; Django's own tables neither.
STAFF_APPS = {"accounts", "capacity", "auth", "contenttypes", "sessions", "django_tasks_database"}


def personal_data_models() -> set[str]:
    found = set(PAYLOADS)
    for model in apps.get_models():
        label = model._meta.label
        if model._meta.app_label in STAFF_APPS:
            continue
        for f in model._meta.concrete_fields:
            if (f.is_relation and f.related_model._meta.label in ANCHORS) or f.name in PERSONAL_FIELDS:
                found.add(label)
    return found | (ANCHORS & {m._meta.label for m in apps.get_models()})


def test_every_model_holding_personal_data_has_a_rule_or_a_stated_exemption():
    governed = retention.governed_models()
    missing = sorted(m for m in personal_data_models() if m not in governed and m not in retention.EXEMPT)
    assert missing == [], f"personal data without a retention rule: {missing}"
    assert not set(governed) & set(retention.EXEMPT)
    # each rule names a period or the purger that enforces it, and its models exist
    for rule in retention.rules():
        assert rule.days or rule.purger, rule.name
        for label in rule.models:
            apps.get_model(label)


def test_the_periods_follow_the_settings(settings):
    settings.OPENBMIS_CROSSING_RETENTION_DAYS = 10
    crossings = next(r for r in retention.rules() if r.name == "crossings")
    assert crossings.days == 10
    defaults = {r.name: r.days for r in retention.rules()}
    settings.OPENBMIS_CROSSING_RETENTION_DAYS = 1095
    defaults = {r.name: r.days for r in retention.rules()}
    assert defaults["crossings"] == 1095 and defaults["overstays"] == defaults["entry_bans"] == 1825
    assert defaults["chip_reads"] == defaults["images"] == 365


def _figures(reader):
    """The daily and monthly figures of the last five years, as the dashboard reads them (exact counts: a
    national supervisor sees every cell), and the roll-up tables' totals."""
    from django.db.models import Sum

    from openbmis.statistics import models, queries

    filters = queries.parse_filters(reader, {"from": (date.today() - timedelta(days=1900)).isoformat()})
    figures: dict = {keys[0]: [(row, values) for row, values in queries.flows(filters, keys).rows]
                     for keys in (["day"], ["month"], ["nationality", "sex"])}
    for table in (models.FlowCount, models.FlowDay, models.FlowDim, models.RefusalCount, models.ReferralCount):
        figures[table.__name__] = table.objects.aggregate(n=Sum("count"))["n"]
    return figures


@pytest.fixture
def history(old_crossing, mrz_for, admin):
    """Two travellers who came and left four years ago (one then put under a legal hold), one here now."""
    from openbmis.statistics import services as statistics

    made = {}
    for name, number in (("HELD", "H1234567"), ("GONE", "G1234567")):
        text = mrz_for(document_number=number, primary_identifier=name)
        made[name] = [old_crossing(text, "entry", days_ago=1500), old_crossing(text, "exit", days_ago=1400)]
    made["RECENT"] = [old_crossing(mrz_for(document_number="R1234567", primary_identifier="RECENT"), "entry",
                                   days_ago=10)]
    refused = old_crossing(mrz_for(document_number="F1234567", primary_identifier="REFUSED"), "entry",
                           days_ago=1200, decision="refuse")
    made["REFUSED"] = [refused]
    statistics.rebuild("test")
    return made


def test_the_dry_run_reports_what_would_go_and_deletes_nothing(history, capsys):
    before = (Crossing.objects.count(), Inspection.objects.count(), Traveller.objects.count())
    assert cli(["retention", "purge", "--dry-run", "--json"]) == 0
    report = {r["rule"]: r for r in json.loads(capsys.readouterr().out)["rules"]}
    rows = {row["what"]: row for row in report["crossings"]["rows"]}
    assert rows["crossings"]["count"] == 5  # HELD's and GONE's entries and exits, the old refusal
    assert rows["inspections"]["count"] == 5
    oldest = min(c.local_date for c in history["GONE"] + history["HELD"])
    assert rows["crossings"]["oldest"] == oldest.isoformat()
    assert report["crossings"]["days"] == 1095
    assert report["watchlists"]["enforced_by"] == "watchlists"
    assert (Crossing.objects.count(), Inspection.objects.count(), Traveller.objects.count()) == before
    assert not AuditEvent.objects.filter(action="retention.purge").exists()
    # the plain-text form names each rule
    assert cli(["retention", "purge", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "dry run: nothing is deleted" in out and "crossings" in out and "chip_reads" in out


def test_a_held_travellers_old_crossings_survive_the_purge_an_unheld_ones_go(history, admin, auditor):
    held = history["HELD"][0].traveller
    services.place_hold(auditor, held.id, "court order 12/2026")
    assert services.report(admin)[0].rule.name  # the report is open to administrators
    counts = services.purge(admin)
    assert counts["crossings"]["crossings"] == 3 and counts["crossings"]["inspections"] == 3
    remaining = set(Crossing.objects.values_list("pk", flat=True))
    assert {c.pk for c in history["HELD"] + history["RECENT"]} == remaining
    gone = history["GONE"][0]
    # the identity went with its last record; the held one stays
    assert not Traveller.objects.filter(pk=gone.traveller_id).exists()
    assert Traveller.objects.filter(pk=held.id).exists()
    assert counts["identities"] == {"travel documents": 2, "travellers": 2}  # GONE and REFUSED
    # one audit event per rule, counts only
    events = {e.object_id: e for e in AuditEvent.objects.filter(action="retention.purge")}
    assert set(events) >= {r.name for r in retention.rules() if r.delete}
    assert events["crossings"].after["counts"]["crossings"] == 3
    assert set(events["crossings"].after) == {"counts", "days", "cutoff"}
    assert "GONE" not in json.dumps(events["crossings"].after)
    # the hold lifted, the next run deletes them
    services.lift_hold(auditor, held.legal_holds.get().id, "case closed")
    services.purge(admin)
    assert set(Crossing.objects.values_list("pk", flat=True)) == {c.pk for c in history["RECENT"]}


def test_a_hold_that_ended_no_longer_protects(history, admin, auditor):
    from openbmis.retention.models import LegalHold

    held = history["HELD"][0].traveller
    hold = services.place_hold(auditor, held.id, "inquiry", ends_on=date.today())
    LegalHold.objects.filter(pk=hold.pk).update(ends_on=date.today() - timedelta(days=1))
    services.purge(admin)
    assert not Crossing.objects.filter(traveller_id=held.id).exists()


def test_purging_old_crossings_leaves_the_statistics_of_past_days_unchanged(history, admin, make_user):
    from openbmis.statistics import services as statistics

    reader = make_user("supervisor", None, username="national-supervisor")
    before = _figures(reader)
    assert sum(v["entries"] or 0 for _k, v in before["day"]) == 3
    services.purge(admin)
    assert Crossing.objects.count() == 1
    statistics.refresh()
    assert _figures(reader) == before
    assert statistics.check().ok, statistics.check().problems
    # a full rebuild from the raw records keeps the frozen days' figures
    statistics.rebuild("test")
    assert _figures(reader) == before
    assert statistics.check().ok, statistics.check().problems
    assert AuditEvent.objects.filter(action="statistics.freeze").count() == 1


def test_chip_reads_and_images_go_after_their_own_shorter_period(history, admin, settings):
    from openbmis.inspections.models import Referral, ReferralNote
    from openbmis.trust.models import ChipVerification

    recent = history["RECENT"][0]
    now = timezone.now()
    old_read = ChipVerification.objects.create(status="verified", validated_at=now, inspection_id=recent.inspection_id)
    ChipVerification.objects.filter(pk=old_read.pk).update(created_at=now - timedelta(days=400))
    new_read = ChipVerification.objects.create(status="verified", validated_at=now)
    referral = Referral.objects.create(inspection=recent.inspection, border_post=recent.border_post, reason="r",
                                       referred_by=admin)
    note = ReferralNote.objects.create(referral=referral, author=admin, text="seen", image=b"\xff\xd8jpeg",
                                       image_type="image/jpeg")
    ReferralNote.objects.filter(pk=note.pk).update(created_at=now - timedelta(days=400))
    counts = services.purge(admin)
    assert counts["chip_reads"] == {"chip reads": 1}
    assert list(ChipVerification.objects.values_list("pk", flat=True)) == [new_read.pk]
    assert counts["images"]["referral note images"] == 1
    note.refresh_from_db()
    assert note.image is None and note.text == "seen"
    assert Crossing.objects.filter(pk=recent.pk).exists()


def test_holds_need_a_reason_a_real_traveller_and_the_right_role(history, auditor, officer):
    from openbmis.core.errors import AccessDenied, InvalidInput, NotFound

    traveller = history["HELD"][0].traveller_id
    with pytest.raises(InvalidInput, match="reason"):
        services.place_hold(auditor, traveller, "  ")
    with pytest.raises(InvalidInput, match="in the past"):
        services.place_hold(auditor, traveller, "x", ends_on=date.today() - timedelta(days=1))
    with pytest.raises(NotFound):
        services.place_hold(auditor, "0190f5a4-0000-7000-8000-000000000000", "x")
    with pytest.raises(InvalidInput, match="not a traveller id"):
        services.place_hold(auditor, "nope", "x")
    with pytest.raises(AccessDenied):
        services.place_hold(officer, traveller, "x")
    hold = services.place_hold(auditor, traveller, "fraud inquiry 7")
    event = AuditEvent.objects.get(action="legal_hold.place")
    assert event.object_id == str(hold.id) and event.reason == "fraud inquiry 7"
    assert "HELD" not in json.dumps(event.after)


def test_expired_visas_and_permits_go_after_their_period(admin):
    from openbmis.permits import services as permits
    from openbmis.permits.models import ResidencePermit, Visa

    today = date.today()
    long_ago, recent = today - timedelta(days=1200), today - timedelta(days=100)
    for number, until in (("OLD1", long_ago), ("NEW1", recent)):
        permits.create_visa(admin, number=number, entries="single", valid_from=until - timedelta(days=30),
                            valid_until=until, duration_days=30, surname="PATEL", nationality="IND",
                            passport_number=f"P{number}")
        permits.create_permit(admin, kind="work", number=f"W{number}", surname="PATEL", nationality="IND",
                              passport_number=f"P{number}", valid_from=until - timedelta(days=300), valid_until=until)
    report = {r.rule.name: {row["what"]: row for row in r.rows} for r in services.report(admin)}
    assert report["permits"]["visas"]["count"] == 1 and report["permits"]["visas"]["oldest"] == long_ago
    counts = services.purge(admin)
    assert counts["permits"] == {"visas": 1, "visa uses": 0, "residence permits": 1}
    assert list(Visa.objects.values_list("number", flat=True)) == ["NEW1"]
    assert list(ResidencePermit.objects.values_list("number", flat=True)) == ["WNEW1"]


def test_a_refusal_with_a_ban_is_kept_five_years_and_goes_with_the_ban(old_crossing, mrz_for, admin, settings):
    from openbmis.permits import services as permits
    from openbmis.permits.models import EntryBan

    today = date.today()
    refusal = old_crossing(mrz_for(document_number="B1234567", primary_identifier="BANNED"), "entry",
                           days_ago=1500, decision="refuse")
    plain = old_crossing(mrz_for(document_number="P1234567", primary_identifier="PLAIN"), "entry",
                         days_ago=1500, decision="refuse")
    ban = permits.impose_ban(admin, traveller=refusal.traveller, crossing=refusal, source="refusal",
                             starts_on=today - timedelta(days=1500), ends_on=today - timedelta(days=800),
                             reason="refused at the border")
    counts = services.purge(admin)
    # the plain refusal goes after three years; the one a ban follows stays with the ban (five years after its end)
    assert counts["crossings"]["crossings"] == 1
    assert set(Crossing.objects.values_list("pk", flat=True)) == {refusal.pk}
    assert not Crossing.objects.filter(pk=plain.pk).exists()
    # once the ban's own period is over, the ban goes, then the refusal with it
    settings.OPENBMIS_OVERSTAY_RETENTION_DAYS = 700
    counts = services.purge(admin)
    assert counts["entry_bans"] == {"entry bans": 1} and counts["crossings"]["crossings"] == 1
    assert not EntryBan.objects.filter(pk=ban.pk).exists() and not Crossing.objects.exists()
