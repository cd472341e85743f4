"""Issue 19, hit queues: one pending alert per traveller and entry, judged pairs not re-opened unless the entry
changed (and then the new alert says what was decided), contradicting judgements shown to the supervisor."""

from __future__ import annotations

import uuid

import pytest
from django.db import IntegrityError, transaction

from openbmis.inspections import services as inspections
from openbmis.watchlists import services
from openbmis.watchlists.models import Hit

PETER = dict(primary_identifier="MWANGI", secondary_identifier="PETER", nationality="KEN", issuing_state="KEN",
             document_number="P7000001", sex="M")


@pytest.fixture
def admitted(make_user, two_posts, mrz_for):
    officer = make_user("primary_officer", two_posts[0])
    started = inspections.start_inspection(officer, border_post=two_posts[0], client_id=uuid.uuid4(),
                                           direction="entry", mrz_text=mrz_for(**PETER)).inspection
    inspections.decide(officer, started, decision="admit")
    return started.traveller


def _listed(national, load, template_csv, **extra):
    row = {"id": "NAT-7", "name": "Peter Mwangi", "countries": "KEN", **extra}
    return load(national, template_csv([row]))


def test_no_second_pending_alert_for_a_pair(national, load, template_csv, admitted):
    first = _listed(national, load, template_csv)
    assert len(services.screen_retroactively(national, first.version, days=30)) == 1
    changed = _listed(national, load, template_csv, remarks="seen at the border in May")  # the entry changes
    assert services.screen_retroactively(national, changed.version, days=30) == []
    assert Hit.objects.filter(traveller=admitted, status=Hit.Status.PENDING).count() == 1


def test_the_database_refuses_a_second_pending_alert(national, load, template_csv, admitted):
    record = _listed(national, load, template_csv)
    alert = services.screen_retroactively(national, record.version, days=30)[0]
    copy = Hit(source=Hit.Source.RETROACTIVE, border_post=alert.border_post, traveller=alert.traveller,
               watchlist=alert.watchlist, entry=alert.entry, name=alert.name, score=alert.score, algorithm="x",
               algorithm_version="1", data={})
    with pytest.raises(IntegrityError), transaction.atomic():
        copy.save()


def test_a_judged_pair_is_reopened_only_when_the_entry_changed(national, load, template_csv, admitted, make_user,
                                                               two_posts):
    secondary = make_user("secondary_officer", two_posts[0])
    record = _listed(national, load, template_csv)
    alert = services.screen_retroactively(national, record.version, days=30)[0]
    services.judge_hit(secondary, alert, status="no_match", reason="other birth date on the passport")
    assert services.screen_retroactively(national, record.version, days=30) == []  # same entry: not re-opened
    changed = _listed(national, load, template_csv, birth_dates="1990-05-17")
    again = services.screen_retroactively(national, changed.version, days=30)
    assert len(again) == 1
    earlier = again[0].data["previously_judged"]
    assert earlier["status"] == "no_match" and earlier["by"] == secondary.username
    assert earlier["reason"] == "other birth date on the passport"


def test_contradicting_judgements_reach_the_supervisor(national, load, template_csv, admitted, make_user,
                                                       two_posts, session_client):
    secondary = make_user("secondary_officer", two_posts[0])
    record = _listed(national, load, template_csv)
    first = services.screen_retroactively(national, record.version, days=30)[0]
    services.judge_hit(secondary, first, status="match", reason="same person, photo compared")
    changed = _listed(national, load, template_csv, remarks="alias added")
    second = services.screen_retroactively(national, changed.version, days=30)[0]
    services.judge_hit(secondary, second, status="no_match", reason="different person")
    pairs = services.contradicting_judgements(two_posts[0])
    assert len(pairs) == 1 and {h.status for h in pairs[0]["hits"]} == {"match", "no_match"}
    assert services.contradicting_judgements(two_posts[1]) == []
    supervisor = make_user("supervisor", two_posts[0])
    home = session_client(supervisor).get("/").content.decode()
    section = home.split('data-testid="contradictions"')[1].split("</ul>")[0]
    assert "MWANGI" in section.upper() and str(first.id) in section and str(second.id) in section
