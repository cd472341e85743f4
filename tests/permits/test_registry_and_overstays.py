"""Rules, registry, e-visa imports (bad rows), sticker matching, bans, extensions, the overstay job, the API
and the pages."""

from __future__ import annotations

import json
import zoneinfo
from datetime import date, timedelta

import pytest
from django.utils import timezone

from openbmis.audit.models import AuditEvent
from openbmis.core.errors import InvalidInput


def today_at_post() -> date:
    return timezone.now().astimezone(zoneinfo.ZoneInfo("Africa/Nairobi")).date()


# --- rules ------------------------------------------------------------------------------------------

OVERLAPS = [
    # (existing from, to), (new from, to), overlaps?
    (("2024-01-01", None), ("2030-01-01", None), True),
    (("2024-01-01", "2024-12-31"), ("2024-12-31", None), True),  # one shared day
    (("2024-01-01", "2024-12-31"), ("2025-01-01", None), False),  # adjacent
    (("2024-06-01", None), ("2024-01-01", "2024-05-31"), False),
    (("2024-06-01", None), ("2024-01-01", "2024-06-01"), True),
]


@pytest.mark.parametrize(("existing", "new", "overlaps"), OVERLAPS)
def test_overlapping_rules_are_rejected_naming_the_rule(rule, existing, new, overlaps):
    from openbmis.permits.models import VisaPolicyRule

    D = lambda s: date.fromisoformat(s) if s else None  # noqa: E731
    rule("FRA", "exempt", name="France 2024", valid_from=D(existing[0]), valid_to=D(existing[1]))
    if overlaps:
        with pytest.raises(InvalidInput) as caught:
            rule("FRA", "required", name="France new", valid_from=D(new[0]), valid_to=D(new[1]))
        assert "overlaps rule 'France 2024'" in caught.value.message
        assert VisaPolicyRule.objects.count() == 1
    else:
        rule("FRA", "required", name="France new", valid_from=D(new[0]), valid_to=D(new[1]))
        assert VisaPolicyRule.objects.count() == 2


def test_rules_for_other_document_types_or_ages_do_not_overlap(rule):
    rule("FRA", "exempt")
    rule("FRA", "exempt", name="diplomats", document_type="PD")
    rule("FRA", "special", name="minors", max_age=18)


BAD_RULES = [
    (dict(valid_from=date(2024, 2, 1), valid_to=date(2024, 1, 1)), "valid_to"),
    (dict(nationality="ZZZ"), "nationality"),
    (dict(category="exempt", max_stay_days=None), "max_stay_days"),
    (dict(stay_kind="rolling", max_stay_days=90, window_days=30), "window_days"),
    (dict(document_type="P1"), "document_type"),
]


@pytest.mark.parametrize(("fields", "field"), BAD_RULES)
def test_bad_rules_name_the_field(rule, fields, field):
    with pytest.raises(InvalidInput) as caught:
        rule(**{"nationality": "FRA", **fields})
    assert caught.value.field == field


def test_rule_changes_are_audited(rule, admin):
    from openbmis.audit.models import AuditEvent
    from openbmis.permits import services

    made = rule("FRA", "exempt")
    services.update_rule(admin, made, max_stay_days=60)
    actions = list(AuditEvent.objects.filter(object_id=str(made.id)).values_list("action", flat=True))
    assert sorted(actions) == ["visa_rule.create", "visa_rule.update"]


# --- visas, e-visas, stickers -----------------------------------------------------------------------

def test_visa_ending_before_it_starts_is_rejected(admin):
    from openbmis.permits import services

    with pytest.raises(InvalidInput) as caught:
        services.create_visa(admin, number="V1", entries="single", valid_from=date(2025, 5, 1),
                             valid_until=date(2025, 4, 30), duration_days=10, surname="X", nationality="IND",
                             passport_number="P1")
    assert caught.value.field == "valid_until"
    assert "precedes" in caught.value.message


HEADER = "number,surname,given_names,nationality,birth_date,passport_number,valid_from,valid_until,duration_days,entries\n"
GOOD = HEADER + ("EV100001,PATEL,RAJ,IND,1983-08-30,P2222222,2025-01-01,2025-12-31,30,multiple\n"
                 "EV100002,SINGH,ASHA,IND,1990-01-01,P3333333,2025-01-01,2025-03-31,15,single\n")


def test_evisa_import_then_update(admin):
    from openbmis.permits import services
    from openbmis.permits.models import Visa

    report = services.import_evisas(admin, file_name="evisas.csv", content=GOOD.encode())
    assert (report.rows, report.created, report.updated) == (2, 2, 0)
    changed = GOOD.replace("2025-12-31,30", "2026-06-30,30")
    report = services.import_evisas(admin, file_name="evisas.csv", content=changed)
    assert (report.created, report.updated) == (0, 2)
    assert Visa.objects.get(number="EV100001").valid_until == date(2026, 6, 30)
    assert set(Visa.objects.values_list("source", flat=True)) == {"evisa"}


def test_evisa_file_with_bad_rows_names_each_line_and_applies_nothing(admin):
    from openbmis.permits import services
    from openbmis.permits.models import Visa

    bad = GOOD + ("EV100003,KHAN,ALI,IND,1980-02-30,P4444444,2025-01-01,2025-12-31,30,multiple\n"  # line 4: date
                  "EV100004,RAO,VIJAY,IND,1980-02-03,P5555555,2025-06-01,2025-01-01,30,single\n"  # line 5: ends first
                  "EV100005,DAS,ANIL,XXX,1980-02-03,P6666666,2025-01-01,2025-12-31,30,triple\n"  # line 6: entries
                  "EV100001,PATEL,RAJ,IND,1983-08-30,P2222222,2025-01-01,2025-12-31,30,multiple\n")  # line 7: repeat
    with pytest.raises(InvalidInput) as caught:
        services.import_evisas(admin, file_name="platform.csv", content=bad)
    errors = caught.value.details["errors"]
    assert [(e["line"], e["field"]) for e in errors] == [(4, "birth_date"), (5, "valid_until"), (6, "entries"),
                                                         (7, "number")]
    assert "platform.csv: 4 bad rows, nothing imported" in caught.value.message
    assert Visa.objects.count() == 0


def test_evisa_file_without_required_columns(admin):
    from openbmis.permits import services

    with pytest.raises(InvalidInput) as caught:
        services.import_evisas(admin, file_name="x.csv", content="number,surname\nA,B\n")
    assert "missing column(s): given_names" in caught.value.message


def test_visa_sticker_mrz_matches_its_registry_record(admin):
    from openbmis import mrz
    from openbmis.permits import services

    visa = services.create_visa(admin, number="VS1234567", entries="double", valid_from=date(2025, 1, 1),
                                valid_until=date(2025, 12, 31), duration_days=30, surname="PATEL",
                                given_names="RAJ KUMAR", nationality="IND", birth_date=date(1983, 8, 30),
                                passport_number="P2222222")
    fields = dict(document_code="V", issuing_state="UTO", document_number="VS1234567", primary_identifier="PATEL",
                  secondary_identifier="RAJ KUMAR", nationality="IND", birth_date=date(1983, 8, 30), sex="M",
                  expiry_date=date(2025, 12, 31), optional_data="")
    for layout in ("MRVA", "MRVB"):
        found = services.match_sticker(mrz.make({**fields, "format": layout}))
        assert found.visa == visa and found.mismatches == []
    other = services.match_sticker(mrz.make({**fields, "format": "MRVA", "primary_identifier": "PATIL"}))
    assert other.visa == visa and other.mismatches and "surname" in other.mismatches[0]
    with pytest.raises(InvalidInput):
        services.match_sticker(mrz.make({**fields, "format": "TD3", "document_code": "P"}))


def test_ban_ending_before_it_starts_is_rejected(admin):
    from openbmis.permits import services

    with pytest.raises(InvalidInput) as caught:
        services.impose_ban(admin, surname="X", nationality="FRA", starts_on=date(2025, 2, 1),
                            ends_on=date(2025, 1, 1), reason="r")
    assert caught.value.field == "ends_on"


# --- overstay detection -----------------------------------------------------------------------------

def test_detection_finds_ends_and_is_idempotent(rule, admin, past_crossing, mrz_for, inspect_api, decide_api):
    from openbmis.permits import services
    from openbmis.permits.models import Overstay

    rule("KEN", "exempt")
    over = mrz_for(document_number="A0000001", primary_identifier="OVER")
    fine = mrz_for(document_number="A0000002", primary_identifier="FINE")
    left = mrz_for(document_number="A0000003", primary_identifier="LEFT")
    extended = mrz_for(document_number="A0000004", primary_identifier="EXTENDED")
    past_crossing(over, "entry", days_ago=40, permitted_days=30)  # 40 - 29 = 11 days over
    past_crossing(fine, "entry", days_ago=10, permitted_days=30)
    past_crossing(left, "entry", days_ago=40, permitted_days=30)
    past_crossing(left, "exit", days_ago=15)
    ext_entry = past_crossing(extended, "entry", days_ago=40, permitted_days=30)

    report = services.detect_overstays()
    assert (report.in_country, report.overstaying, report.new) == (3, 2, 2)
    # (LEFT's exit, recorded today then moved back by the fixture, was itself an overstayed exit: not open)
    rows = {o.traveller.primary_identifier: o for o in Overstay.objects.filter(status="open").select_related("traveller")}
    assert set(rows) == {"OVER", "EXTENDED"}
    assert rows["OVER"].days == 11 and rows["OVER"].status == "open"

    again = services.detect_overstays()
    assert (again.new, again.ended) == (0, 0)
    assert Overstay.objects.filter(status="open").count() == 2

    # an extension ends one overstay at once
    services.grant_extension(admin, ext_entry.traveller, until=today_at_post() + timedelta(days=20), reason="ill")
    assert Overstay.objects.get(traveller=ext_entry.traveller).status == "extended"
    assert services.detect_overstays().overstaying == 1
    # the exit ends the other, recorded with its days
    data = inspect_api(over, direction="exit")
    assert decide_api(data["id"], decision="admit", note="overstay recorded at exit").status_code == 200
    ended = Overstay.objects.get(traveller__primary_identifier="OVER")
    assert (ended.status, ended.days) == ("exited", 11)
    assert services.detect_overstays().overstaying == 0


def test_detection_job_runs_through_the_task_and_schedules_daily(rule, past_crossing, mrz_for):
    from django_tasks_db.models import DBTaskResult

    from openbmis.core import schedule
    from openbmis.permits import tasks
    from openbmis.permits.models import Overstay

    past_crossing(mrz_for(), "entry", days_ago=40, permitted_days=30)
    result = tasks.detect_overstays_job.call()
    assert result["overstaying"] == 1
    assert Overstay.objects.count() == 1
    assert schedule.queue_next(tasks.detect_overstays_job) is True
    assert schedule.queue_next(tasks.detect_overstays_job) is False  # one waiting run is enough
    queued = DBTaskResult.objects.get()
    assert queued.run_after > timezone.now()
    assert queued.task_path == tasks.detect_overstays_job.module_path


# --- API and pages ----------------------------------------------------------------------------------

def test_api_rule_overlap_and_evisa_errors_are_422(client, bearer, admin, rule):
    headers = bearer(admin)
    body = {"name": "France", "nationality": "FRA", "category": "exempt", "max_stay_days": 90,
            "window_days": 180, "valid_from": "2024-01-01"}
    assert client.post("/api/visa-policies", body, content_type="application/json", headers=headers).status_code == 201
    again = client.post("/api/visa-policies", {**body, "name": "France bis"}, content_type="application/json",
                        headers=headers)
    assert again.status_code == 422
    assert "overlaps rule 'France'" in again.json()["detail"]
    bad = client.post("/api/evisas/import", {"file_name": "e.csv", "content": HEADER + "X,,,,,,,,,\n"},
                      content_type="application/json", headers=headers)
    assert bad.status_code == 422
    assert bad.json()["details"]["errors"][0]["line"] == 2


def test_overstay_list_filters_export_and_scope(rule, past_crossing, mrz_for, make_user, session_client, two_posts,
                                                client, bearer):
    from openbmis.permits import services

    past_crossing(mrz_for(), "entry", days_ago=40, permitted_days=30)
    past_crossing(mrz_for(document_number="B0000001", nationality="UGA", issuing_state="UGA",
                          primary_identifier="MUGISHA"), "entry", days_ago=60, permitted_days=30)
    services.detect_overstays()
    analyst = make_user("analyst", None, username="analyst-x")
    web = session_client(analyst)
    # an analyst sees the figures, not who they are, unless granted identities access
    page = web.get("/overstays/?nationality=UGA").content.decode()
    assert "MUGISHA" not in page and page.count('data-testid="identity-hidden"') == 1
    export = web.get("/overstays/export.csv?status=open")
    lines = b"".join(export.streaming_content).decode().splitlines()
    assert lines[0].startswith("traveller_id,surname")
    assert len(lines) == 3
    assert sorted(line.split(",")[8] for line in lines[1:]) == ["11", "31"]
    assert all(line.startswith(",,,") for line in lines[1:])
    exported = AuditEvent.objects.get(action="overstay.export")
    assert exported.after["rows"] == 2 and exported.after["identities"] is False
    assert [r["name"] for r in client.get("/api/overstays", headers=bearer(analyst)).json()] == [None, None]
    from openbmis.accounts import services as accounts

    accounts.set_identity_access("test", analyst, True, "overstay follow-up with the police")
    analyst.refresh_from_db()
    page = session_client(analyst).get("/overstays/?nationality=UGA").content.decode()
    assert "MUGISHA" in page and "ODHIAMBO" not in page and "identity-hidden" not in page
    lines = b"".join(session_client(analyst).get("/overstays/export.csv?status=open").streaming_content).decode()
    assert "MUGISHA" in lines
    # a supervisor at the other post sees none of these (entered at TST-A)
    other = make_user("supervisor", two_posts[1], username="sup-b")
    rows = client.get("/api/overstays", headers=bearer(other)).json()
    assert rows == []
    rows = client.get("/api/overstays?min_days=20", headers=bearer(analyst)).json()
    assert [r["nationality"] for r in rows] == ["UGA"]


def test_admin_pages_create_a_rule_and_show_errors(admin, session_client):
    web = session_client(admin)
    body = {"name": "Kenya", "nationality": "KEN", "document_type": "*", "category": "exempt",
            "stay_kind": "rolling", "max_stay_days": "90", "window_days": "180", "valid_from": "2024-01-01"}
    assert web.post("/permits/rules/new/", body).status_code == 302
    clash = web.post("/permits/rules/new/", {**body, "name": "Kenya 2"})
    assert clash.status_code == 400 and "overlaps rule" in clash.content.decode()
    assert "Kenya" in web.get("/permits/").content.decode()


def test_evisa_upload_page_lists_bad_lines(admin, session_client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    web = session_client(admin)
    upload = SimpleUploadedFile("e.csv", (GOOD + "EV9,A,B,IND,,P9,2025-01-01,2025-01-31,abc,single\n").encode())
    page = web.post("/permits/visas/import/", {"file": upload})
    text = page.content.decode()
    assert page.status_code == 400 and "import-errors" in text and "duration_days" in text
    assert json.dumps(4) in text  # the bad line number
