"""The counter's safety rules (issue 12), through the API as kiosks, eGates and nodes call it, and through the
service as the UI does: no admission over an unreviewed hit, an override only by a supervisor with a reason,
flagged and audited; reasons for admitting against the suggestion; refusal grounds only with a refusal; voiding;
the default permitted stay."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from openbmis.audit import services as audit
from openbmis.audit.models import AuditEvent
from openbmis.core.errors import Conflict
from openbmis.inspections import services as inspections
from openbmis.inspections.models import Crossing, Inspection, Referral
from openbmis.watchlists import services
from openbmis.watchlists.models import Hit

pytestmark = pytest.mark.django_db


@pytest.fixture
def supervisor(make_user, two_posts):
    return make_user("supervisor", two_posts[0], username="wl-supervisor")


@pytest.fixture
def listed(national, inspect, mrz_for, kamau):
    """An open entry inspection of the listed KAMAU (clean passport): a pending person hit, check failed."""
    kamau["document_number"] = "K1111111"
    body = inspect(mrz=mrz_for(**kamau)).json()
    assert body["blocking_checks"] == ["watchlist"], body["checks"]
    return body


@pytest.fixture
def stolen_passport(stolen, inspect, mrz_for, kamau):
    body = inspect(mrz=mrz_for(**kamau)).json()
    assert "stolen_lost" in body["blocking_checks"]
    return body


def test_primary_officer_cannot_admit_over_a_pending_hit(listed, decide):
    response = decide(listed["id"], decision="admit", note="looks fine to me")
    assert response.status_code == 409, response.content
    body = response.json()
    assert body["field"] == "decision" and body["details"]["blocking_checks"] == ["watchlist"]
    assert "Watchlists" in body["detail"] and "KAMAU" in body["detail"].upper()
    assert not Crossing.objects.exists()
    # Refer and refuse stay open to the officer.
    assert decide(listed["id"], decision="refer", note="possible watchlist match").status_code == 200


def test_primary_officer_cannot_admit_over_a_stolen_passport(stolen_passport, decide):
    response = decide(stolen_passport["id"], decision="admit", note="x")
    assert response.status_code == 409
    assert "stolen_lost" in response.json()["details"]["blocking_checks"]
    refused = decide(stolen_passport["id"], decision="refuse", reasons=["A"], note="reported stolen")
    assert refused.status_code == 200 and refused.json()["crossing"]["decision"] == "refuse"


def test_secondary_officer_cannot_admit_over_a_pending_hit_either(listed, decide, secondary):
    assert decide(listed["id"], decision="refer", note="possible match").status_code == 200
    response = decide(listed["id"], user=secondary, decision="admit", note="interviewed")
    assert response.status_code == 409


def test_a_no_match_judgement_clears_the_block(listed, decide, secondary):
    assert decide(listed["id"], decision="refer", note="possible match").status_code == 200
    hit = Hit.objects.get(inspection_id=listed["id"])
    services.judge_hit(secondary, hit, status="no_match", reason="different birth place and father's name")
    # the watchlist check failed at the time: admitting against it still needs a reason, but nothing blocks
    assert decide(listed["id"], user=secondary, decision="admit").status_code == 422
    response = decide(listed["id"], user=secondary, decision="admit", note="hit judged no match")
    assert response.status_code == 200, response.content
    crossing = response.json()["crossing"]
    assert "override" not in crossing["flags"] and "against_suggestion" in crossing["flags"]
    assert crossing["overridden"] == ["watchlist"]


def test_a_match_judgement_keeps_the_block(listed, decide, secondary):
    assert decide(listed["id"], decision="refer", note="possible match").status_code == 200
    hit = Hit.objects.get(inspection_id=listed["id"])
    services.judge_hit(secondary, hit, status="match", reason="same person")
    assert decide(listed["id"], user=secondary, decision="admit", note="x").status_code == 409


def test_supervisor_override_needs_a_reason_and_is_flagged_and_audited(listed, decide, supervisor):
    assert decide(listed["id"], decision="refer", note="possible match").status_code == 200
    missing = decide(listed["id"], user=supervisor, decision="admit")
    assert missing.status_code == 422 and missing.json()["field"] == "note"
    response = decide(listed["id"], user=supervisor, decision="admit",
                      note="diplomatic passport holder, ministry confirmed by phone")
    assert response.status_code == 200, response.content
    crossing = response.json()["crossing"]
    assert "override" in crossing["flags"] and crossing["overridden"] == ["watchlist"]
    assert crossing["note"] == "diplomatic passport holder, ministry confirmed by phone"
    stored = Crossing.objects.get(id=crossing["id"])
    assert stored.flags == crossing["flags"] and stored.overridden == ["watchlist"]
    event = AuditEvent.objects.get(action="crossing.admit", object_id=crossing["id"])
    assert event.after["flags"] == ["override"] and event.after["overridden"] == ["watchlist"]
    assert event.reason == "diplomatic passport holder, ministry confirmed by phone"
    assert audit.verify().ok


def test_four_eyes_the_inspecting_supervisor_cannot_override_alone(national, inspect, decide, mrz_for, kamau,
                                                                   supervisor, make_user, two_posts, settings):
    kamau["document_number"] = "K1111111"
    body = inspect(user=supervisor, mrz=mrz_for(**kamau)).json()
    alone = decide(body["id"], user=supervisor, decision="admit", note="I know him")
    assert alone.status_code == 409 and "Four-eyes" in alone.json()["detail"]
    other = make_user("supervisor", two_posts[0])
    assert decide(body["id"], user=other, decision="admit", note="checked with HQ").status_code == 200
    # With the rule switched off by configuration, the inspecting supervisor may override.
    settings.OPENBMIS_OVERRIDE_FOUR_EYES = False
    again = inspect(user=supervisor, mrz=mrz_for(**kamau)).json()
    assert decide(again["id"], user=supervisor, decision="admit", note="checked with HQ").status_code == 200


def test_blocking_checks_are_configuration(listed, decide, settings):
    settings.OPENBMIS_BLOCKING_CHECKS = ("stolen_lost", "entry_ban", "chip")
    response = decide(listed["id"], decision="admit", note="hit reviewed by phone with HQ")
    assert response.status_code == 200
    assert response.json()["crossing"]["flags"] == ["against_suggestion"]


def test_the_service_holds_the_rule_for_every_caller(listed, officer):
    """The UI and synchronisation call the service, not the API: the rule is there."""
    inspection = Inspection.objects.get(id=listed["id"])
    with pytest.raises(Conflict) as caught:
        inspections.decide(officer, inspection, decision="admit", note="x")
    assert caught.value.details["blocking_checks"] == ["watchlist"]


def test_counter_page_shows_the_block_and_no_admit_button(listed, officer, session_client):
    client = session_client(officer)
    page = client.get(f"/inspect/{listed['id']}/")
    assert b'data-testid="blocked"' in page.content
    assert b'data-testid="admit"' not in page.content
    # nothing on the page offers what the officer may not do: no admit key in the hint, no permitted stay
    hint = page.content.decode().split('data-testid="key-hint">', 1)[1].split("</p>", 1)[0]
    assert "A admit" not in hint and "R refer" in hint
    assert b'name="permitted_until"' not in page.content
    response = client.post(f"/inspect/{listed['id']}/", {"decision": "admit", "note": "x"})
    assert response.status_code == 400 and not Crossing.objects.exists()
    assert "Admission blocked" in response.content.decode()


def test_admitting_against_a_failed_check_needs_a_reason(inspect, decide, mrz_for):
    expired = inspect(mrz=mrz_for(expiry_date=date.today() - timedelta(days=3))).json()
    document = next(c for c in expired["checks"] if c["code"] == "document")
    assert document["status"] == "fail" and expired["blocking_checks"] == []
    response = decide(expired["id"], decision="admit")
    assert response.status_code == 422 and response.json()["field"] == "note"
    assert "document" in response.json()["detail"]
    admitted = decide(expired["id"], decision="admit", note="emergency travel authorised by the consul")
    assert admitted.status_code == 200
    crossing = admitted.json()["crossing"]
    assert "against_suggestion" in crossing["flags"] and "document" in crossing["overridden"]
    event = AuditEvent.objects.get(action="crossing.admit", object_id=crossing["id"])
    assert event.reason == "emergency travel authorised by the consul" and "document" in event.after["overridden"]


def test_a_clean_admission_needs_no_reason_and_has_no_flags(inspect, decide, mrz_for):
    clean = inspect(mrz=mrz_for()).json()
    response = decide(clean["id"], decision="admit")
    assert response.status_code == 200
    assert response.json()["crossing"]["flags"] == [] and response.json()["crossing"]["overridden"] == []


@pytest.mark.parametrize("decision", ["admit", "refer"])
def test_refusal_grounds_with_another_decision_are_refused_not_dropped(inspect, decide, mrz_for, decision):
    body = inspect(mrz=mrz_for()).json()
    response = decide(body["id"], decision=decision, reasons=["C"], note="x")
    assert response.status_code == 422 and response.json()["field"] == "reasons"
    assert not Crossing.objects.exists() and not Referral.objects.exists()


def test_void_then_a_decision_is_409(inspect, decide, mrz_for, client, bearer, officer):
    body = inspect(mrz=mrz_for()).json()
    url = f"/api/inspections/{body['id']}/void"
    empty = client.post(url, {"reason": ""}, content_type="application/json", headers=bearer(officer))
    assert empty.status_code == 422
    response = client.post(url, {"reason": "scanned the wrong passport"}, content_type="application/json",
                           headers=bearer(officer))
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "voided"
    assert decide(body["id"], decision="admit").status_code == 409
    again = client.post(url, {"reason": "again"}, content_type="application/json", headers=bearer(officer))
    assert again.status_code == 409
    event = AuditEvent.objects.get(action="inspection.void", object_id=body["id"])
    assert event.reason == "scanned the wrong passport" and event.after == {"status": "voided"}


def test_only_the_inspecting_officer_or_a_supervisor_may_void(inspect, decide, mrz_for, client, bearer,
                                                              make_user, two_posts, supervisor):
    body = inspect(mrz=mrz_for()).json()
    url = f"/api/inspections/{body['id']}/void"
    colleague = make_user("primary_officer", two_posts[0])
    response = client.post(url, {"reason": "not mine"}, content_type="application/json", headers=bearer(colleague))
    assert response.status_code == 403
    # A referred inspection: the referring officer may no longer void it, a supervisor may (it leaves the queue).
    assert decide(body["id"], decision="refer", note="check purpose").status_code == 200
    response = client.post(url, {"reason": "traveller left the hall"}, content_type="application/json",
                           headers=bearer(supervisor))
    assert response.status_code == 200
    assert Referral.objects.get(inspection_id=body["id"]).status == "voided"


def test_stale_open_inspections_are_listed_to_the_supervisor(inspect, mrz_for, client, bearer, supervisor,
                                                             officer, settings):
    from django.utils import timezone

    old = inspect(mrz=mrz_for()).json()
    fresh = inspect(mrz=mrz_for(document_number="X7654321")).json()
    Inspection.objects.filter(id=old["id"]).update(created_at=timezone.now() - timedelta(minutes=45))
    settings.OPENBMIS_STALE_INSPECTION_MINUTES = 30
    rows = client.get("/api/inspections/stale", headers=bearer(supervisor))
    assert rows.status_code == 200, rows.content
    ids = [r["id"] for r in rows.json()]
    assert old["id"] in ids and fresh["id"] not in ids
    assert client.get("/api/inspections/stale", headers=bearer(officer)).status_code == 403


def test_exit_is_allowed_not_admitted(inspect, decide, mrz_for, session_client, officer):
    entry = inspect(mrz=mrz_for()).json()
    assert decide(entry["id"], decision="admit").status_code == 200
    leaving = inspect(mrz=mrz_for(), direction="exit").json()
    client = session_client(officer)
    response = client.post(f"/inspect/{leaving['id']}/", {"decision": "admit"}, follow=True)
    text = response.content.decode()
    assert "Exit allowed" in text and "Admitted:" not in text
    from openbmis.inspections.timeline import timeline
    from openbmis.travellers.models import Traveller

    events, _ = timeline(Traveller.objects.get(id=entry["traveller"]["id"]))
    assert events[0]["summary"].startswith("Exit allowed") and "Exit admitted" not in events[0]["summary"]


def test_the_supervisors_home_lists_the_overrides_to_review(listed, decide, supervisor, session_client, inspect,
                                                            mrz_for):
    assert decide(listed["id"], decision="refer", note="possible match").status_code == 200
    overridden = decide(listed["id"], user=supervisor, decision="admit", note="ministry confirmed by phone")
    assert overridden.status_code == 200
    clean = inspect(mrz=mrz_for(document_number="X7654321")).json()
    assert decide(clean["id"], decision="admit").status_code == 200
    page = session_client(supervisor).get("/").content.decode()
    section = page.split('data-testid="overrides"', 1)[1].split("</ul>", 1)[0]
    assert "ministry confirmed by phone" in section and "watchlist" in section
    assert section.count("<li>") == 1  # the clean admission is not listed
