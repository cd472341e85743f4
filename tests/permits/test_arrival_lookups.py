"""The batch look-up of the pre-arrival screening (``arrival_lookups``) answers what the one-document queries of
the counter answer, for every kind of row: permits, visa policy rules (nationality, document type, age limit,
validity), visas (with entries used up), and entry bans by traveller, document and identity."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

DAY = date(2026, 6, 1)


def doc(surname, number, nationality="KEN", birth=date(1990, 5, 17), code="P"):
    return {"document_code": code, "document_number": number, "nationality": nationality,
            "primary_identifier": surname, "birth_date": birth}


@pytest.fixture
def registry(admin, rule, past_crossing, mrz_for):
    from openbmis.permits import services
    from openbmis.permits.models import VisaUse
    from openbmis.travellers.models import Traveller

    rule("KEN", "required")
    rule("KEN", "exempt", name="KEN minors", max_age=12)
    rule("UGA", "exempt", document_type="PD", name="UGA diplomats")
    rule("UGA", "on_arrival", name="UGA visa on arrival")
    rule("TZA", "exempt", name="TZA old rule", valid_from=date(2000, 1, 1), valid_to=date(2020, 1, 1))
    rule("*", "special", name="everyone else")
    services.create_permit(admin, kind="work", number="WP-1", surname="PERMIT", nationality="KEN",
                           passport_number="K0000001", valid_from=DAY - timedelta(days=100),
                           valid_until=DAY + timedelta(days=10))
    services.create_permit(admin, kind="residence", number="RP-1", surname="PERMIT", nationality="KEN",
                           passport_number="K0000001", valid_from=DAY - timedelta(days=100),
                           valid_until=DAY + timedelta(days=300))
    services.create_permit(admin, kind="work", number="WP-2", surname="LATE", nationality="KEN",
                           passport_number="K0000002", valid_from=DAY - timedelta(days=100),
                           valid_until=DAY - timedelta(days=1))
    used = services.create_visa(admin, number="V1", entries="single", valid_from=DAY - timedelta(days=5),
                                valid_until=DAY + timedelta(days=60), duration_days=30, surname="USED",
                                nationality="KEN", passport_number="K0000003")
    VisaUse.objects.create(visa=used, crossing=past_crossing(mrz_for()))
    services.create_visa(admin, number="V2", entries="double", valid_from=DAY - timedelta(days=5),
                         valid_until=DAY + timedelta(days=60), duration_days=30, surname="USED",
                         nationality="KEN", passport_number="K0000003")
    services.create_visa(admin, number="V3", entries="multiple", valid_from=DAY + timedelta(days=5),
                         valid_until=DAY + timedelta(days=60), duration_days=30, surname="EARLY",
                         nationality="UGA", passport_number="U0000004")
    known = Traveller.objects.create(primary_identifier="KNOWN", nationality="KEN", birth_date=date(1980, 1, 1))
    services.impose_ban(admin, traveller=known, starts_on=DAY - timedelta(days=1), reason="by traveller")
    services.impose_ban(admin, surname="DOCBAN", nationality="KEN", document_number="K0000005",
                        starts_on=DAY - timedelta(days=1), reason="by document")
    services.impose_ban(admin, surname="IDBAN", nationality="UGA", birth_date=date(1970, 2, 2),
                        starts_on=DAY - timedelta(days=1), ends_on=DAY, reason="by identity")
    services.impose_ban(admin, surname="OVER", nationality="KEN", document_number="K0000006",
                        starts_on=DAY - timedelta(days=10), ends_on=DAY - timedelta(days=1), reason="over")
    lifted = services.impose_ban(admin, surname="LIFTED", nationality="KEN", document_number="K0000007",
                                 starts_on=DAY - timedelta(days=10), reason="lifted")
    services.lift_ban(admin, lifted, "appeal")
    return known


DOCUMENTS = [
    doc("PERMIT", "K0000001"), doc("LATE", "K0000002"), doc("USED", "K0000003"),
    doc("EARLY", "U0000004", "UGA"), doc("DIPLOMAT", "U0000009", "UGA", code="PD"),
    doc("CHILD", "K0000010", birth=DAY - timedelta(days=365 * 5)), doc("OLD", "T0000011", "TZA"),
    doc("DOCBAN", "K0000005"), doc("IDBAN", "U0000012", "UGA", birth=date(1970, 2, 2)), doc("OVER", "K0000006"),
    doc("LIFTED", "K0000007"), doc("NOBODY", "", "XXX", birth=None), doc("KNOWN", "K0000013"),
]


def test_batch_answers_as_the_single_queries(registry, django_assert_max_num_queries):
    from openbmis.permits import services

    with django_assert_max_num_queries(7):
        batch = services.arrival_lookups(DOCUMENTS, [registry], DAY)
    for d in DOCUMENTS:
        nat, number = d["nationality"], d["document_number"]
        traveller = registry if d["primary_identifier"] == "KNOWN" else None
        assert batch.permit(nat, number) == services.valid_permit(nat, number, DAY), d
        assert batch.rule(nat, d["document_code"], d["birth_date"]) == services.find_rule(
            nat, d["document_code"], DAY, d["birth_date"]), d
        visas = services.find_visas(nat, number)
        assert batch.find_visas(nat, number) == visas, d
        assert [batch.visa_problem(v, nat) for v in visas] == [services.visa_problem(v, DAY, nat) for v in visas]
        assert (sorted(b.id for b in batch.active_bans(traveller=traveller, document=d))
                == sorted(b.id for b in services.active_bans(traveller=traveller, document=d, day=DAY))), d


def test_batch_answers_are_the_expected_rows(registry):
    from openbmis.permits import services

    batch = services.arrival_lookups(DOCUMENTS, [registry], DAY)
    assert batch.permit("KEN", "K0000001").number == "RP-1"  # the longest valid of two
    assert batch.permit("KEN", "K0000002") is None  # expired yesterday
    assert batch.rule("KEN", "P", DAY - timedelta(days=365 * 5)).name == "KEN minors"
    assert batch.rule("KEN", "P", date(1990, 5, 17)).name == "KEN required"
    assert batch.rule("UGA", "PD").name == "UGA diplomats"
    assert batch.rule("UGA", "P").name == "UGA visa on arrival"
    assert batch.rule("TZA", "P").name == "everyone else"  # the TZA rule ended in 2020
    problems = {v.number: batch.visa_problem(v, "KEN") for v in batch.find_visas("KEN", "k0000003")}
    assert problems["V2"] is None
    assert (problems["V1"].code, problems["V1"].english()) == ("visa.problem.used_up", "visa V1: all 1 entry used")
    assert "valid only from" in batch.visa_problem(batch.find_visas("UGA", "U0000004")[0], "UGA").english()
    reasons = {d["primary_identifier"]: [b.reason for b in batch.active_bans(
        traveller=registry if d["primary_identifier"] == "KNOWN" else None, document=d)] for d in DOCUMENTS}
    assert reasons["DOCBAN"] == ["by document"] and reasons["IDBAN"] == ["by identity"]
    assert reasons["KNOWN"] == ["by traveller"]
    assert reasons["OVER"] == [] and reasons["LIFTED"] == [] and reasons["NOBODY"] == []
