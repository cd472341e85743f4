"""A decision committed just before a crash: the client retries and learns what was recorded (issue 13, item 19)."""

from __future__ import annotations

from datetime import date, timedelta

from openbmis.inspections.models import Crossing, Referral


def test_a_retried_admission_answers_409_with_the_crossing_id(inspect, decide, mrz_for):
    inspection = inspect(mrz=mrz_for()).json()
    permitted = (date.today() + timedelta(days=30)).isoformat()
    first = decide(inspection["id"], decision="admit", permitted_until=permitted)
    assert first.status_code == 200
    # the answer to the first call was lost (the server crashed after the commit): the client sends it again
    retry = decide(inspection["id"], decision="admit", permitted_until=permitted)
    assert retry.status_code == 409
    body = retry.json()
    assert body["code"] == "conflict"
    assert body["details"]["crossing_id"] == first.json()["crossing"]["id"]
    assert body["details"]["crossing_id"] == str(Crossing.objects.get(inspection_id=inspection["id"]).id)


def test_a_retried_referral_answers_409_with_the_referral_id(inspect, decide, mrz_for):
    inspection = inspect(mrz=mrz_for()).json()
    first = decide(inspection["id"], decision="refer", note="check the visa")
    assert first.status_code == 200
    retry = decide(inspection["id"], decision="refer", note="check the visa")
    assert retry.status_code == 409
    assert retry.json()["details"]["referral_id"] == str(Referral.objects.get(inspection_id=inspection["id"]).id)
    assert "crossing_id" not in retry.json()["details"]
