"""The demo data set: synthetic traffic has the documented shape, and each test traveller triggers its path."""

from __future__ import annotations

import uuid
import zoneinfo
from collections import Counter

import pytest

from openbmis.audit import services as audit
from openbmis.borderposts.models import BorderPost
from openbmis.demo import crossings, seed, test_travellers
from openbmis.inspections import services
from openbmis.inspections.models import Crossing


@pytest.fixture
def demo(db, fast_hasher):
    seed.load(crossings=0)


def test_traffic_has_the_documented_shape(demo):
    existing = set(Crossing.objects.values_list("id", flat=True))  # the test travellers' history
    result = crossings.generate(3000, seed=7)
    rows = [c for c in Crossing.objects.select_related("border_post") if c.id not in existing]
    assert len(rows) == result.crossings >= 3000
    by_post = Counter(c.border_post.code for c in rows)
    assert by_post.most_common(1)[0][0] == "AIR-CAP"  # the main airport carries the most traffic
    assert set(by_post) == {p.code for p in BorderPost.objects.all()}
    refusals = [c for c in rows if c.decision == "refuse"]
    assert 0 < len(refusals) < 0.03 * len(rows)
    assert all(c.reasons for c in refusals)
    assert sum(c.direction == "entry" for c in refusals) >= 0.8 * len(refusals)  # refusals are mostly at entry
    for c in rows[:500]:
        assert c.local_date == c.at.astimezone(zoneinfo.ZoneInfo(c.time_zone)).date()
        assert (c.permitted_until is not None) == (c.direction == "entry" and c.decision == "admit")
    # every exit follows an entry of the same traveller
    by_traveller: dict = {}
    for c in sorted(rows, key=lambda c: c.at):
        by_traveller.setdefault(c.traveller_id, []).append(c)
    for trips in by_traveller.values():
        if trips[0].direction == "exit":
            pytest.fail("an exit before any entry")
    # same seed, same data
    assert result.refusals == len(refusals)


def _inspect(case_key, direction="entry"):
    case = next(c for c in test_travellers.TEST_TRAVELLERS if c.key == case_key)
    post = BorderPost.objects.get(code="AIR-CAP")
    from openbmis.accounts.models import User

    officer = User.objects.get(username="officer")
    started = services.start_inspection(officer, border_post=post, client_id=uuid.uuid4(), direction=direction,
                                        mrz_text=case.mrz())
    return {c["code"]: c for c in started.inspection.checks}, started.inspection


@pytest.mark.parametrize(
    ("key", "direction", "code", "status", "flag"),
    [
        ("clean", "entry", "document", "pass", None),
        ("expired", "entry", "document", "fail", None),
        ("misread", "entry", "mrz", "fail", None),
        ("in_country", "entry", "history", "warn", "entry_while_in_country"),
        ("in_country", "exit", "history", "pass", None),
        ("no_entry", "exit", "history", "warn", "exit_without_entry"),
        ("renewed", "exit", "history", "warn", "different_document"),
        ("minor", "entry", "document", "warn", None),
        ("no_visa", "entry", "visa", "fail", None),
        ("banned", "entry", "entry_ban", "fail", None),
    ],
)
def test_each_test_traveller_triggers_its_path(demo, key, direction, code, status, flag):
    checks, inspection = _inspect(key, direction)
    assert checks[code]["status"] == status, checks[code]
    if flag:
        assert [f["code"] for f in checks["history"]["details"]["flags"]] == [flag]
    if key == "minor":
        assert any(f["code"] == "minor" for f in checks["document"]["details"]["findings"])
    if key == "renewed":
        assert inspection.document.link_confidence < 1.0


def test_loading_twice_changes_nothing(demo):
    before = (Crossing.objects.count(), audit.verify().head_seq)
    created = seed.load(crossings=0)
    assert created == {"border_posts": 0, "users": 0, "crossings": 0, "test_traveller_crossings": 0}
    assert (Crossing.objects.count(), audit.verify().head_seq) == before


def test_the_banned_test_traveller_cannot_be_admitted_by_the_officer(demo):
    from openbmis.accounts.models import User
    from openbmis.core.errors import Conflict

    _checks, inspection = _inspect("banned")
    with pytest.raises(Conflict):
        services.decide(User.objects.get(username="officer"), inspection, decision="admit", note="x")


def test_synthetic_traffic_has_overstayers_in_the_overstay_list(demo):
    from openbmis.permits.models import Overstay
    from openbmis.permits.services import detect_overstays

    crossings.generate(3000, seed=11)
    report = detect_overstays()
    assert report.overstaying > 0
    assert Overstay.objects.filter(status="open").count() == report.overstaying
    in_country = report.in_country
    assert 0.01 < report.overstaying / in_country < 0.5


def test_reset_puts_the_test_travellers_back(demo):
    from openbmis.accounts.models import User
    from openbmis.travellers.models import TravelDocument

    officer = User.objects.get(username="officer")
    _checks, clean = _inspect("clean")
    services.decide(officer, clean, decision="admit")
    _checks, okello = _inspect("in_country", "exit")
    services.decide(officer, okello, decision="admit")
    history_before = Crossing.objects.filter(document__number="B1234567").count()
    assert Crossing.objects.filter(document__number="K0000012").count() == 1
    result = test_travellers.reset()
    assert result["travellers"] >= 2 and result["crossings_recorded"] >= 3
    assert not Crossing.objects.filter(document__number="K0000012").exists()
    assert not TravelDocument.objects.filter(number="K0000012").exists()
    # OKELLO is back to "entered 10 days ago, never left"
    assert Crossing.objects.filter(document__number="B1234567").count() == history_before - 1 == 1
    _checks, again = _inspect("in_country", "entry")
    assert [f["code"] for f in _checks["history"]["details"]["flags"]] == ["entry_while_in_country"]
    assert audit.verify().ok


def test_reset_is_refused_in_production(demo, settings):
    import dataclasses

    from openbmis.core.errors import Conflict

    settings.CONFIG = dataclasses.replace(settings.CONFIG, mode="production")
    with pytest.raises(Conflict):
        test_travellers.reset()
