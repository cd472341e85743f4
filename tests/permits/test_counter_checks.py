"""The visa, stay and entry-ban checks in a real inspection (API), one case per kind of rule.

Expected dates are computed here from the post's calendar day (Africa/Nairobi) and the rule, by plain
day counting, not by the code under test.
"""

from __future__ import annotations

import zoneinfo
from datetime import date, timedelta

from django.utils import timezone


def today_at_post() -> date:
    return timezone.now().astimezone(zoneinfo.ZoneInfo("Africa/Nairobi")).date()


def test_visa_required_and_missing_fails_and_suggests_refer(rule, inspect_api):
    rule("KEN", "required")
    data = inspect_api(_mrz())
    visa = data["by_code"]["visa"]
    assert visa["status"] == "fail"
    assert "Visa required" in visa["message"]
    assert data["suggested_action"] == "refer"
    assert data["by_code"]["stay"]["status"] == "not_checked"


def test_valid_visa_passes_sets_the_stay_and_counts_its_entries(rule, admin, inspect_api, decide_api):
    from openbmis.permits import services
    from openbmis.permits.models import VisaUse

    rule("KEN", "required")
    today = today_at_post()
    services.create_visa(admin, number="V0001234", entries="single", valid_from=today - timedelta(days=5),
                         valid_until=today + timedelta(days=60), duration_days=30, surname="ODHIAMBO",
                         given_names="AMINA", nationality="KEN", passport_number="X1234567")
    data = inspect_api(_mrz())
    assert data["by_code"]["visa"]["status"] == "pass"
    assert data["by_code"]["visa"]["details"]["visa_number"] == "V0001234"
    # 30 days from entry, entry day included
    assert data["by_code"]["stay"]["details"]["permitted_until"] == (today + timedelta(days=29)).isoformat()
    assert decide_api(data["id"], decision="admit", permitted_until=(today + timedelta(days=29)).isoformat()
                      ).status_code == 200
    assert VisaUse.objects.count() == 1
    # the single entry is used: a second entry on the same visa fails
    again = inspect_api(_mrz())
    assert again["by_code"]["visa"]["status"] == "fail"
    assert "all 1 entry used" in again["by_code"]["visa"]["message"]


def test_expired_visa_or_other_nationality_does_not_count(rule, admin, inspect_api):
    from openbmis.permits import services

    rule("KEN", "required")
    today = today_at_post()
    services.create_visa(admin, number="V0000001", entries="multiple", valid_from=today - timedelta(days=90),
                         valid_until=today - timedelta(days=1), duration_days=30, surname="ODHIAMBO",
                         nationality="KEN", passport_number="X1234567")
    data = inspect_api(_mrz())
    assert data["by_code"]["visa"]["status"] == "fail"
    assert f"expired on {(today - timedelta(days=1)).isoformat()}" in data["by_code"]["visa"]["message"]


def test_why_a_visa_does_not_apply_reads_in_the_readers_language(rule, admin, inspect_api, client, bearer, officer):
    """The visa registry's reasons are kept as codes in the check's details and rendered when read (issue 20)."""
    from openbmis.permits import services

    rule("KEN", "required")
    expired = (today_at_post() - timedelta(days=1)).isoformat()
    services.create_visa(admin, number="V0000001", entries="multiple", valid_from=today_at_post() - timedelta(days=90),
                         valid_until=today_at_post() - timedelta(days=1), duration_days=30, surname="ODHIAMBO",
                         nationality="KEN", passport_number="X1234567")
    data = inspect_api(_mrz())
    visa = data["by_code"]["visa"]
    assert visa["details"]["problems"] == [f"visa V0000001 expired on {expired}"]
    assert visa["details"]["problem_codes"][0]["code"] == "visa.problem.expired"
    french = client.get(f"/api/inspections/{data['id']}", headers={**bearer(officer), "Accept-Language": "fr"}).json()
    message = next(c for c in french["checks"] if c["code"] == "visa")["message"]
    day_first = (today_at_post() - timedelta(days=1)).strftime("%d/%m/%Y")  # French writes the day first
    assert f"le visa V0000001 a expiré le {day_first}" in message
    assert "expired on" not in message


def test_exempt_rolling_rule_gives_permitted_until(rule, inspect_api):
    rule("KEN", "exempt")
    data = inspect_api(_mrz())
    assert data["by_code"]["visa"]["status"] == "pass"
    stay = data["by_code"]["stay"]
    assert stay["status"] == "pass"
    # 90 days including the entry day
    assert stay["details"]["permitted_until"] == (today_at_post() + timedelta(days=89)).isoformat()


def test_earlier_stays_in_the_window_shorten_the_stay(rule, inspect_api, past_crossing, mrz_for):
    rule("KEN", "exempt")
    text = mrz_for()
    past_crossing(text, "entry", days_ago=70)
    past_crossing(text, "exit", days_ago=41)  # 30 days in the country, both ends counted
    data = inspect_api(text)
    # 90 - 30 = 60 days left, and the first of those 30 days stays in the window for the whole new stay
    assert data["by_code"]["stay"]["details"]["permitted_until"] == (today_at_post() + timedelta(days=59)).isoformat()
    assert data["by_code"]["stay"]["details"]["days_used"] == 30


def test_fixed_stay_on_arrival(rule, inspect_api):
    rule("KEN", "on_arrival", stay_kind="fixed", max_stay_days=30, window_days=None)
    data = inspect_api(_mrz())
    assert data["by_code"]["visa"]["status"] == "warn"
    assert data["by_code"]["stay"]["details"]["permitted_until"] == (today_at_post() + timedelta(days=29)).isoformat()


def test_most_specific_rule_wins_diplomatic_and_minors(rule, inspect_api, mrz_for):
    rule("KEN", "required")
    rule("KEN", "exempt", name="KEN diplomatic", document_type="PD", stay_kind="fixed", max_stay_days=180,
         window_days=None)
    rule("KEN", "special", name="KEN minors", max_age=18, note="Check the parental consent letter.")
    diplomat = inspect_api(mrz_for(document_code="PD", document_number="D7654321"))
    assert diplomat["by_code"]["visa"]["status"] == "pass"
    assert diplomat["by_code"]["visa"]["details"]["rule"] == "KEN diplomatic"
    child = inspect_api(mrz_for(document_number="C1111111", birth_date=today_at_post().replace(year=2015)))
    assert child["by_code"]["visa"]["status"] == "warn"
    assert "parental consent" in child["by_code"]["visa"]["message"]


def test_no_rule_is_reported_not_checked(inspect_api):
    data = inspect_api(_mrz())
    assert data["by_code"]["visa"]["status"] == "not_checked"
    assert data["by_code"]["stay"]["status"] == "not_checked"
    assert data["by_code"]["entry_ban"]["status"] == "pass"


def test_residence_permit_lets_a_visa_national_in_until_it_expires(rule, admin, inspect_api):
    from openbmis.permits import services

    rule("KEN", "required")
    today = today_at_post()
    services.create_permit(admin, kind="work", number="WP-77", surname="ODHIAMBO", nationality="KEN",
                           passport_number="X1234567", valid_from=today - timedelta(days=100),
                           valid_until=today + timedelta(days=200))
    data = inspect_api(_mrz())
    assert data["by_code"]["visa"]["status"] == "pass"
    assert data["by_code"]["stay"]["details"]["permitted_until"] == (today + timedelta(days=200)).isoformat()


def test_entry_ban_fails_entry_by_identity(rule, admin, inspect_api):
    from openbmis.permits import services

    rule("KEN", "exempt")
    today = today_at_post()
    services.impose_ban(admin, surname="Odhiambo", nationality="KEN", birth_date=date(1990, 5, 17),
                        starts_on=today - timedelta(days=1), ends_on=today + timedelta(days=365),
                        reason="Overstayed 200 days in 2024", source="decision")
    data = inspect_api(_mrz())
    ban = data["by_code"]["entry_ban"]
    assert ban["status"] == "fail"
    assert "Overstayed 200 days" in ban["message"]
    assert data["suggested_action"] == "refer"


def test_lifted_or_expired_ban_does_not_apply(rule, admin, inspect_api):
    from openbmis.permits import services

    today = today_at_post()
    expired = services.impose_ban(admin, surname="ODHIAMBO", nationality="KEN", document_number="X1234567",
                                  starts_on=today - timedelta(days=30), ends_on=today - timedelta(days=1),
                                  reason="old")
    lifted = services.impose_ban(admin, surname="ODHIAMBO", nationality="KEN", document_number="X1234567",
                                 starts_on=today - timedelta(days=30), reason="lifted later")
    services.lift_ban(admin, lifted, "appeal granted")
    assert expired.ends_on < today
    assert inspect_api(_mrz())["by_code"]["entry_ban"]["status"] == "pass"


def test_exit_after_overstay_reports_the_days_and_the_record_keeps_them(rule, inspect_api, decide_api,
                                                                        past_crossing, mrz_for):
    from openbmis.permits.models import Overstay

    rule("KEN", "exempt")
    text = mrz_for()
    entry = past_crossing(text, "entry", days_ago=100, permitted_days=90)
    data = inspect_api(text, direction="exit")
    stay = data["by_code"]["stay"]
    # permitted until entry day + 89; exit 100 days after entry: 100 - 89 = 11 days over
    assert stay["status"] == "fail"
    assert stay["details"]["overstay_days"] == (today_at_post() - (entry.local_date + timedelta(days=89))).days
    assert stay["details"]["overstay_days"] == 11
    assert data["suggested_action"] == "refer"
    # letting an overstayer leave goes against the stay check: a reason is required and recorded
    assert decide_api(data["id"], decision="admit").status_code == 422
    allowed = decide_api(data["id"], decision="admit", note="overstay recorded; departure facilitated")
    assert allowed.status_code == 200
    assert allowed.json()["crossing"]["flags"] == ["against_suggestion"]
    record = Overstay.objects.get(traveller_id=data["traveller"]["id"])
    assert (record.status, record.days, record.entry_id) == ("exited", 11, entry.id)


def test_exit_in_time_passes(rule, inspect_api, past_crossing, mrz_for):
    rule("KEN", "exempt")
    text = mrz_for()
    past_crossing(text, "entry", days_ago=10, permitted_days=90)
    stay = inspect_api(text, direction="exit")["by_code"]["stay"]
    assert (stay["status"], stay["details"]["overstay_days"]) == ("pass", 0)


def test_counter_decision_form_defaults_to_the_computed_date(rule, officer, session_client, inspect_api):
    rule("KEN", "exempt")
    data = inspect_api(_mrz())
    page = session_client(officer).get(f"/inspect/{data['id']}/")
    expected = (today_at_post() + timedelta(days=89)).isoformat()
    assert f'name="permitted_until" value="{expected}"' in page.content.decode()


def _mrz() -> str:
    from openbmis import mrz

    return mrz.make(dict(format="TD3", document_code="P", issuing_state="KEN", document_number="X1234567",
                         primary_identifier="ODHIAMBO", secondary_identifier="AMINA", nationality="KEN",
                         birth_date=date(1990, 5, 17), sex="F", expiry_date=date(2035, 1, 1), optional_data=""))
