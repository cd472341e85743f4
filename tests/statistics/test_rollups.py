"""Roll-ups: built, refreshed incrementally and checked; their totals equal counts over the raw crossings."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.statistics.statistics_helpers import NOW, age_on, raw_flows

from openbmis.inspections.models import Crossing
from openbmis.statistics import queries, services
from openbmis.statistics.models import FlowCount, FlowDay, ReferralCount, RefusalCount

FIRST = (NOW - timedelta(days=62)).date()
LAST = NOW.date()
POSTS = ["AIR-CAP", "AIR-NTH", "LND-BRG", "LND-HIG", "SEA-PHV", "RAIL-GLN"]
NATIONALITIES = ["KEN", "TZA", "UGA", "GBR", "USA", "IND", "DEU"]


def _flows_from_rollup(table):
    return {tuple(k.values())[0] if len(k) == 1 else tuple(k.values()): (v["entries"], v["exits"], v["refusals"])
            for k, v in table.rows}


def test_rebuild_equals_raw_and_check_passes(traffic):
    services.rebuild("test")
    assert FlowCount.objects.exists()
    report = services.check()
    assert report.ok, report.problems
    assert report.crossings == Crossing.objects.count() == report.rolled_up
    refused = Crossing.objects.filter(decision="refuse")
    reasons = sum(max(1, len(set(c.reasons))) for c in refused)
    assert sum(RefusalCount.objects.values_list("count", flat=True)) == reasons
    from openbmis.inspections.models import Referral

    assert sum(ReferralCount.objects.values_list("count", flat=True)) == Referral.objects.count() > 0


def test_referrals_keep_the_citizenship_read_at_the_inspection(traffic):
    """A later correction of the identity does not move past referrals to another country."""
    from openbmis.inspections.models import Referral

    referral = Referral.objects.select_related("inspection__traveller").first()
    traveller = referral.inspection.traveller
    before = traveller.nationality
    traveller.nationality = "ZZZ"
    traveller.save(update_fields=["nationality"])
    services.rebuild("test")
    assert not ReferralCount.objects.filter(nationality="ZZZ").exists()
    assert ReferralCount.objects.filter(nationality=before).exists()


KEYS = {
    "border_post": lambda c: c.border_post.code,
    "nationality": lambda c: c.nationality,
    "sex": lambda c: c.sex,
    "age_group": lambda c: age_on(c.birth_date, c.local_date),
    "purpose": lambda c: c.purpose,
    "travel_mode": lambda c: c.travel_mode,
    "day": lambda c: c.local_date.isoformat(),
    "month": lambda c: c.local_date.strftime("%Y-%m"),
    "week": lambda c: (c.local_date - timedelta(days=c.local_date.weekday())).isoformat(),
    "residence": lambda c: "resident" if c.purpose == "resident" else "non_resident",
}


@pytest.mark.django_db
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    start=st.integers(0, 62), length=st.integers(0, 70),
    posts=st.lists(st.sampled_from(POSTS), max_size=3, unique=True),
    direction=st.sampled_from([None, "entry", "exit"]),
    nationalities=st.lists(st.sampled_from(NATIONALITIES), max_size=3, unique=True),
    document=st.sampled_from([None, "P", "I"]),
    key=st.sampled_from(sorted(KEYS)),
)
def test_rollup_totals_equal_raw_counts_for_random_filters(traffic_built, analyst_with_identities, start, length,
                                                          posts, direction, nationalities, document, key):
    begin = FIRST + timedelta(days=start)
    params = {"from": begin.isoformat(), "to": (begin + timedelta(days=length)).isoformat(),
              "border_post": ",".join(posts), "direction": direction or "", "nationality": ",".join(nationalities),
              "document_type": document or ""}
    filters = queries.parse_filters(analyst_with_identities, params)
    assert not filters.suppress
    table = queries.flows(filters, [key])
    expected = raw_flows(filters, KEYS[key])
    assert _flows_from_rollup(table) == expected
    totals = tuple(sum(v[i] for v in expected.values()) for i in range(3))
    assert (table.totals["entries"], table.totals["exits"], table.totals["refusals"]) == totals


@pytest.fixture
def traffic_built(traffic):
    services.rebuild("test")
    return traffic


def test_two_keys_and_top_n(traffic_built, analyst_with_identities):
    filters = queries.parse_filters(analyst_with_identities, {"from": FIRST.isoformat(), "to": LAST.isoformat()})
    table = queries.flows(filters, ["month", "sex"])
    expected = raw_flows(filters, lambda c: (c.local_date.strftime("%Y-%m"), c.sex))
    assert _flows_from_rollup(table) == expected
    top = queries.flows(filters, ["nationality"], top=3)
    assert len(top.rows) == 4 and top.rows[-1][0] == {"nationality": queries.OTHER}
    by_nat = raw_flows(filters, lambda c: c.nationality)
    largest = sorted(by_nat, key=lambda n: -sum(by_nat[n]))[:3]
    assert [k["nationality"] for k, _v in top.rows[:3]] == largest
    assert top.totals == table.totals


def test_incremental_refresh_after_service_and_back_dated_writes(traffic_built, make_user, two_posts):
    from django_tasks_db.models import DBTaskResult

    from openbmis import mrz
    from openbmis.demo import crossings
    from openbmis.inspections import services as inspections
    from openbmis.statistics.tasks import refresh_rollups_job

    before = FlowCount.objects.count()
    # A crossing through the real write path: the signal enqueues the job (after commit), not inline.
    officer = make_user("primary_officer", two_posts[0])
    text = mrz.make({"format": "TD3", "document_code": "P", "issuing_state": "KEN", "document_number": "S1234567",
                     "primary_identifier": "STAT", "secondary_identifier": "ONE", "nationality": "KEN",
                     "birth_date": date(1990, 1, 2), "sex": "F", "expiry_date": date(2031, 1, 1),
                     "optional_data": ""})
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        started = inspections.start_inspection(officer, border_post=two_posts[0], client_id=uuid.uuid4(),
                                               direction="entry", mrz_text=text)
        inspections.decide(officer, started.inspection, decision="admit")
    assert DBTaskResult.objects.filter(task_path=refresh_rollups_job.module_path, status="READY").count() == 1
    assert services.check().problems  # not rolled up yet
    # Back-dated history written in bulk (the demo's way): new ids, old days.
    crossings.generate(200, days=60, seed=99, now=NOW, travellers=50)
    refresh_rollups_job.call()
    report = services.check()
    assert report.ok, report.problems
    assert report.crossings == Crossing.objects.count()
    assert FlowCount.objects.count() > before
    # a second refresh with nothing new recomputes nothing
    assert services.refresh().days == 0


def test_check_finds_a_tampered_rollup_and_rebuild_repairs_it(traffic_built):
    row = FlowCount.objects.order_by("id").first()
    FlowCount.objects.filter(id=row.id).update(count=row.count + 3)
    FlowDay.objects.filter(day=row.day).delete()
    report = services.check()
    assert not report.ok
    assert any(str(row.day) in problem for problem in report.problems)
    services.rebuild("test")
    assert services.check().ok


@pytest.mark.parametrize(("birth", "day", "group"), [
    (date(2011, 3, 1), date(2026, 3, 1), "15-24"),  # fifteenth birthday
    (date(2011, 3, 2), date(2026, 3, 1), "0-14"),  # the day before it
    (date(1961, 3, 1), date(2026, 3, 1), "65+"),
    (date(1961, 3, 2), date(2026, 3, 1), "55-64"),
    (date(2008, 2, 29), date(2026, 2, 28), "15-24"),  # 29 February birthday in a common year: 17
    (date(2001, 12, 31), date(2026, 1, 1), "15-24"),  # 24
    (None, date(2026, 1, 1), "unknown"),
])
def test_age_groups_at_the_boundaries(db, demo_posts, fast_hasher, birth, day, group):
    from openbmis.demo import crossings

    crossings.generate(1, days=1, seed=3, now=NOW, travellers=1)
    Crossing.objects.update(birth_date=birth, local_date=day)
    services.rebuild("test")
    assert set(FlowCount.objects.values_list("age_group", flat=True)) == {group}
    assert age_on(birth, day) == group


def test_overstays_are_counted_from_the_permits_capability(traffic, analyst_with_identities):
    from openbmis.permits import services as permits
    from openbmis.permits.models import Overstay

    later = NOW + timedelta(days=200)  # past the 90- and 180-day stays of those still in the country
    permits.detect_overstays(now=later)
    assert Overstay.objects.exists()
    services.rebuild("test")
    end = later.date()
    filters = queries.parse_filters(analyst_with_identities, {"from": FIRST.isoformat(), "to": end.isoformat(),
                                                              "direction": "exit"}, today=end)
    table = queries.counts(filters, "overstays")
    expected: dict[str, int] = {}
    for overstay in Overstay.objects.all():
        first_day = overstay.permitted_until + timedelta(days=1)
        if FIRST <= first_day <= end:
            expected[overstay.status] = expected.get(overstay.status, 0) + 1
    assert {k["status"]: v["count"] for k, v in table.rows} == expected
    assert sum(expected.values()) > 0


def test_crossings_arriving_late_from_an_offline_post_are_rolled_up(traffic_built):
    """A node's crossing keeps the id it was made with, days before it reaches headquarters: older than the
    watermark. Its day is still recomputed by the next refresh."""
    from openbmis.inspections import signals
    from openbmis.inspections.models import Inspection

    assert services.check().ok
    old = Crossing.objects.order_by("id").first()
    made = (old.id.int >> 80) - 7 * 86_400_000  # an id made 7 days before any rolled up: the post was offline

    def old_id(n):
        return uuid.UUID(int=((made + n) << 80) | (0x7 << 76) | (0x2 << 62) | n)

    inspection = Inspection.objects.get(pk=old.inspection_id)
    inspection.pk, inspection.client_id = old_id(1), uuid.uuid4()
    inspection.save(force_insert=True)
    old.pk, old.inspection_id = old_id(2), inspection.pk
    # On a day with no other crossing, so nothing else makes the refresh look at that day.
    old.at, old.local_date = old.at - timedelta(days=3 * 365), old.local_date - timedelta(days=3 * 365)
    assert not Crossing.objects.filter(local_date=old.local_date).exists()
    old.save(force_insert=True)
    signals.crossing_recorded.send(sender=Crossing, crossing=old)
    services.refresh()
    report = services.check()
    assert report.ok, report.problems
