"""The stored details of every check keep to their slot's TypedDict (openbmis.inspections.check_details).

Real inspections, with every checker finding something (a rule, lists, a ban, a fraud alert, a visa, a
manifest, a chip read), are stored; then each stored check's details are walked against its slot's type: a
key the type does not declare (a checker that added a key without declaring it, or renamed one) fails, and so
does a missing required key. The nested rows (findings, flags, bans, alerts, hits, the pre-arrival checks)
are walked against their own types too.
"""

from __future__ import annotations

import types
import typing
import uuid
from datetime import date, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from openbmis import mrz
from openbmis.inspections import check_details, checks
from openbmis.inspections import services as inspections
from openbmis.inspections.models import Inspection

pytestmark = pytest.mark.django_db

AMINA = dict(format="TD3", document_code="P", issuing_state="KEN", document_number="X1234567",
             primary_identifier="ODHIAMBO", secondary_identifier="AMINA", nationality="KEN",
             birth_date=date(1990, 5, 17), sex="F", expiry_date=date(2031, 1, 1), optional_data="")


def _mrz(**overrides: object) -> str:
    return mrz.make({**AMINA, **overrides})


def _problems(value: object, hint: object, where: str) -> list[str]:
    """What in ``value`` does not keep to the type ``hint`` (only the TypedDicts' keys are checked, through
    lists and unions; other types are not)."""
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        options = [_problems(value, arg, where) for arg in typing.get_args(hint)]
        return [] if any(not found for found in options) else min(options, key=len)
    if origin is list:
        if not isinstance(value, list):
            return [f"{where}: a list expected, found {value!r}"]
        (item,) = typing.get_args(hint)
        return [problem for i, element in enumerate(value) for problem in _problems(element, item, f"{where}[{i}]")]
    if typing.is_typeddict(hint):
        if not isinstance(value, dict):
            return [f"{where}: a dict expected, found {value!r}"]
        assert isinstance(hint, type)
        found = [f"{where}: key {key!r} not declared in {hint.__name__}"
                 for key in sorted(set(value) - set(hint.__annotations__))]
        found += [f"{where}: required key {key!r} of {hint.__name__} missing"
                  for key in sorted(hint.__required_keys__ - set(value))]
        hints = typing.get_type_hints(hint, vars(check_details))
        for key in set(value) & set(hints):
            found += _problems(value[key], hints[key], f"{where}.{key}")
        return found
    return []


def _details_problems(stored: list[dict]) -> list[str]:
    found = []
    for check in stored:
        where = f"{check['code']}({check['status']})"
        found += _problems({**check, "details": {}}, check_details.StoredCheck, where)  # details: by slot, below
        if check["details"]:
            found += _problems(check["details"], check_details.SLOT_DETAILS[check["code"]], f"{where}.details")
    return found


@pytest.fixture
def everything(admin, officer, make_user, two_posts):
    """A rule for KEN and one for UGA, person and document lists naming Amina, a ban on her, a fraud alert on
    KEN passports, a visa (and an expired one) for UGA travellers."""
    from openbmis.documents import services as documents
    from openbmis.permits import services as permits
    from openbmis.watchlists import matching
    from openbmis.watchlists import services as watchlists

    post = two_posts[0]
    today = timezone.now().astimezone(ZoneInfo(post.time_zone)).date()
    permits.create_rule(admin, name="KEN exempt", nationality="KEN", document_type="*", category="exempt",
                        stay_kind="rolling", max_stay_days=90, window_days=180, valid_from=date(2020, 1, 1))
    permits.create_rule(admin, name="UGA visa", nationality="UGA", document_type="*", category="required",
                        valid_from=date(2020, 1, 1))
    for number, valid_until in (("U1111111", today + timedelta(days=60)), ("U2222222", today - timedelta(days=1))):
        permits.create_visa(admin, number=f"V{number[1:]}", entries="single", valid_from=today - timedelta(days=90),
                            valid_until=valid_until, duration_days=30, surname="OKELLO", nationality="UGA",
                            passport_number=number)
    permits.impose_ban(admin, surname="ODHIAMBO", nationality="KEN", birth_date=date(1990, 5, 17),
                       starts_on=today - timedelta(days=1), ends_on=today + timedelta(days=365),
                       reason="Overstayed", source="decision")
    persons = watchlists.create_watchlist("test", name="Persons", owner="HQ")
    watchlists.import_now("test", persons, file_name="p.csv", commit=True,
                          content=b"id,name,birth_dates,countries\nP-1,Amina Odhiambo,1990-05-17,KEN\n")
    stolen = watchlists.create_watchlist("test", name="Documents", owner="HQ", kind="documents")
    watchlists.import_now("test", stolen, file_name="d.csv", commit=True,
                          content=b"id,issuing_state,number,status\nS-1,KEN,X1234567,stolen\n")
    matching.forget()
    expert = make_user("document_expert", None, username="expert")
    documents.publish_alert(expert, issuing_state="KEN", title="Counterfeit", description="Offset print",
                            detection="No UV", valid_from=date(2020, 1, 1))
    yield post
    matching.forget()


def _start(officer, post, direction="entry", **kwargs):
    return inspections.start_inspection(officer, border_post=post, client_id=uuid.uuid4(), direction=direction,
                                        **kwargs).inspection


def _stored_after_inspections(officer, post) -> list[dict]:
    listed = _start(officer, post, mrz_text=_mrz())  # every list, the ban and the alert find her
    bad = _mrz()
    bad = bad[:-44] + bad[-44:-35] + ("0" if bad[-35] != "0" else "1") + bad[-34:]  # the number's check digit
    _start(officer, post, mrz_text=bad)
    _start(officer, post, document={"document_number": "M7654321", "issuing_state": "KEN",
                                    "primary_identifier": "MWANGI", "nationality": "KEN", "document_code": "P",
                                    "expiry_date": "2020-01-01"})
    _start(officer, post, mrz_text=_mrz(issuing_state="UGA", nationality="UGA", document_number="U1111111",
                                        primary_identifier="OKELLO", secondary_identifier="JOHN", sex="M"))
    _start(officer, post, mrz_text=_mrz(issuing_state="UGA", nationality="UGA", document_number="U2222222",
                                        primary_identifier="OKELLO", secondary_identifier="ANNA"))
    # a clean traveller enters and leaves; another leaves without an entry
    clean = _mrz(document_number="W5555555", primary_identifier="WANJIRU", secondary_identifier="GRACE")
    inspections.decide(officer, _start(officer, post, mrz_text=clean), decision="admit", note="test")
    _start(officer, post, "exit", mrz_text=clean)
    _start(officer, post, "exit", mrz_text=_mrz(document_number="E9999999", primary_identifier="NJOROGE"))
    # the chip's result, as the reader sends it after the data page
    verification = types.SimpleNamespace(id=uuid.uuid4(), status="verified", failed_step="", photo=True,
                                         result={"holder_names": {"full_name": "أمينة", "other_names": ["A"]}})
    inspections.record_chip_check(officer, listed, verification)
    return [check for inspection in Inspection.objects.all() for check in inspection.checks]


def test_every_slot_keeps_to_its_details_type(everything, officer):
    stored = _stored_after_inspections(officer, everything)
    assert _details_problems(stored) == []
    # every slot was seen with details (so that every type was checked); the advance check at an airport
    # is in the next test
    seen = {check["code"] for check in stored if check["details"]}
    assert seen >= set(checks.SLOTS) - {"advance"}
    stays = [c["details"] for c in stored if c["code"] == "stay" and c["details"]]
    assert {d.get("basis") for d in stays} >= {"rule", "visa"} and any("overstay_days" in d for d in stays)
    visas = [c["details"] for c in stored if c["code"] == "visa" and c["details"]]
    assert any("visa_id" in d for d in visas) and any(d.get("problem_codes") for d in visas)


def test_the_advance_check_and_the_pre_arrival_checks_keep_to_their_types(make_user, officer):
    from tests.manifests.helpers import inspect, manifest_text, person

    from openbmis import paxlst
    from openbmis.borderposts import services as posts
    from openbmis.manifests import services as manifests
    from openbmis.manifests.models import ManifestPerson

    airport = posts.create_border_post("test", code="JFK", name="JFK airport", kind="air", country="UTO",
                                       time_zone="UTC", lanes=[{"code": "J1", "direction": "entry"}])
    manifests.register_carrier("test", code="UA", name="United", account=make_user(None, username="ua"))
    listed: list[paxlst.Person] = [person("DOE", "JOHN WAYNE", "MB140241"), person("SMITH", "ANNA", "SA000001")]
    manifests.ingest("test", manifest_text(listed), source="cli")
    counter = make_user("primary_officer", airport)
    inspect(counter, airport, listed[0], flight="UA123")
    inspect(counter, airport, person("ROE", "RICHARD", "RR000003"), flight="UA123")  # not on the manifest
    stored = [check for inspection in Inspection.objects.all() for check in inspection.checks]
    stored += [check for row in ManifestPerson.objects.all() for check in row.checks]
    assert _details_problems(stored) == []
    advance = [c["details"] for c in stored if c["code"] == "advance" and c["details"]]
    assert {d["listed"] for d in advance} == {True, False}
    assert any(d.get("prearrival_checks") for d in advance)


def test_every_slot_has_a_details_type():
    assert set(typing.get_args(check_details.SlotCode)) == set(checks.SLOTS) == set(check_details.SLOT_DETAILS)


def test_an_undeclared_or_missing_key_is_found():
    check = checks.Check("history", "pass", "info", "ok",
                         {"flags": [{"code": "x", "message": "m", "extra": 1}], "previous_crossings": 0})
    problems = _details_problems([check.to_dict()])
    assert problems == ["history(pass).details: required key 'history_elsewhere' of HistoryDetails missing",
                        "history(pass).details.flags[0]: key 'extra' not declared in HistoryFlag"]
