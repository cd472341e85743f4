"""Documented test travellers: each one triggers one path at the counter (see docs/demo.md).

Their MRZs are written by :func:`openbmis.mrz.make`, so they are valid unless the case says
otherwise; the history some of them need (an entry without exit, an old passport) is recorded
through the inspection services, as an officer would have done.
"""

from __future__ import annotations

import uuid
import zoneinfo
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from openbmis import mrz
from openbmis.travellers.models import TravelDocument

EXPIRY = date(2033, 6, 30)


@dataclass(frozen=True)
class TestTraveller:
    key: str
    what: str
    fields: dict[str, Any]
    history: list[dict[str, Any]] = field(default_factory=list)  # earlier crossings to record
    break_check_digit: bool = False

    def mrz(self) -> str:
        text = mrz.make({**BASE, **self.fields})
        if not self.break_check_digit:
            return text
        line1, line2 = text.split("\n")
        wrong = str((int(line2[19]) + 1) % 10)
        return f"{line1}\n{line2[:19]}{wrong}{line2[20:]}"


BASE: dict[str, Any] = {"format": "TD3", "document_code": "P", "optional_data": "", "expiry_date": EXPIRY}

TEST_TRAVELLERS = [
    TestTraveller("clean", "A valid passport, nothing on record: the checks pass and the suggestion is admit.",
                  {"issuing_state": "KEN", "nationality": "KEN", "document_number": "K0000012",
                   "primary_identifier": "MWANGI", "secondary_identifier": "GRACE WAMBUI",
                   "birth_date": date(1988, 4, 2), "sex": "F"}),
    TestTraveller("expired", "An expired passport: the document check fails.",
                  {"issuing_state": "DEU", "nationality": "DEU", "document_number": "C01X00T47",
                   "primary_identifier": "SCHMIDT", "secondary_identifier": "HANS", "birth_date": date(1961, 11, 23),
                   "sex": "M", "expiry_date": date(2025, 2, 28)}),
    TestTraveller("misread", "An MRZ with a wrong birth-date check digit: the counter names the field and offers "
                  "correction by hand.",
                  {"issuing_state": "GBR", "nationality": "GBR", "document_number": "533401372",
                   "primary_identifier": "TAYLOR", "secondary_identifier": "OLIVIA", "birth_date": date(1979, 7, 9),
                   "sex": "F"}, break_check_digit=True),
    TestTraveller("in_country", "Entered 10 days ago and never left: another entry is flagged "
                  "'entry while already in the country'; an exit is consistent.",
                  {"issuing_state": "UGA", "nationality": "UGA", "document_number": "B1234567",
                   "primary_identifier": "OKELLO", "secondary_identifier": "DAVID", "birth_date": date(1992, 1, 15),
                   "sex": "M"}, history=[{"direction": "entry", "days_ago": 10, "post": "LND-HIG"}]),
    TestTraveller("no_entry", "Never entered: an exit is flagged 'exit without a recorded entry'.",
                  {"issuing_state": "JPN", "nationality": "JPN", "document_number": "TK1234567",
                   "primary_identifier": "NAKAMURA", "secondary_identifier": "YUKI", "birth_date": date(1995, 3, 3),
                   "sex": "F"}),
    TestTraveller("renewed", "Entered with an old passport (P1111111), now shows a renewed one: linked to the same "
                  "person with a confidence, and an exit is flagged 'travelling on a different document'.",
                  {"issuing_state": "IND", "nationality": "IND", "document_number": "P2222222",
                   "primary_identifier": "PATEL", "secondary_identifier": "RAJ KUMAR", "birth_date": date(1983, 8, 30),
                   "sex": "M"},
                  history=[{"direction": "entry", "days_ago": 20, "post": "AIR-CAP", "document_number": "P1111111"}]),
    TestTraveller("watchlist", "On the demo national alert list, and his passport is reported stolen: watchlist and "
                  "stolen/lost hits, the suggestion is refer.",
                  {"issuing_state": "KEN", "nationality": "KEN", "document_number": "K0000013",
                   "primary_identifier": "KAMAU", "secondary_identifier": "JOSEPH", "birth_date": date(1980, 3, 14),
                   "sex": "M"}),
    TestTraveller("minor", "A traveller aged 11: flagged as a minor.",
                  {"issuing_state": "NGA", "nationality": "NGA", "document_number": "A09876543",
                   "primary_identifier": "ADEYEMI", "secondary_identifier": "TOLU", "birth_date": date(2015, 6, 1),
                   "sex": "F"}),
    TestTraveller("no_visa", "A national of a visa-required country (Pakistan) without a visa: the visa check "
                  "fails; refer, or refuse on ground C.",
                  {"issuing_state": "PAK", "nationality": "PAK", "document_number": "AK7654321",
                   "primary_identifier": "QURESHI", "secondary_identifier": "BILAL", "birth_date": date(1991, 7, 21),
                   "sex": "M"}),
    TestTraveller("banned", "Subject of an entry ban in force: the entry-ban check fails and blocks the admission; "
                  "refuse (or a supervisor overrides with a reason).",
                  {"issuing_state": "RUS", "nationality": "RUS", "document_number": "751234567",
                   "primary_identifier": "VOLKOV", "secondary_identifier": "IGOR", "birth_date": date(1975, 9, 9),
                   "sex": "M"}),
    TestTraveller("overstay", "Entered 100 days ago with 90 days permitted: an exit shows the overstay.",
                  {"issuing_state": "FRA", "nationality": "FRA", "document_number": "19AB12345",
                   "primary_identifier": "DUBOIS", "secondary_identifier": "MARIE", "birth_date": date(1990, 12, 24),
                   "sex": "F"}, history=[{"direction": "entry", "days_ago": 100, "post": "AIR-CAP", "permitted_days": 90}]),
]


def load_history() -> int:
    """Record the earlier crossings the cases need (once). Returns how many were recorded."""
    from django.utils import timezone

    from openbmis.borderposts.models import BorderPost
    from openbmis.demo.crossings import duty_officers
    from openbmis.inspections import services, signals
    from openbmis.inspections.models import Crossing

    recorded = 0
    for case in TEST_TRAVELLERS:
        for step in case.history:
            number = step.get("document_number", case.fields["document_number"])
            if TravelDocument.objects.filter(issuing_state=case.fields["issuing_state"], number=number).exists():
                continue
            post = BorderPost.objects.get(code=step["post"])
            officer = duty_officers([post])[post.code]
            text = mrz.make({**BASE, **case.fields, "document_number": number})
            started = services.start_inspection(officer, border_post=post, client_id=uuid.uuid4(),
                                                direction=step["direction"], mrz_text=text)
            # A made-up history: a check may fail against today's rules (a visa since registered on the new
            # passport), and admitting against it needs a reason.
            crossing = services.decide(officer, started.inspection, decision="admit",
                                       note="demo: the test traveller's documented history")
            # Demo set-up only: move the crossing back to when the case says it happened (the audit
            # trail keeps the true time of recording).
            when = timezone.now() - timedelta(days=step["days_ago"])
            local = when.astimezone(zoneinfo.ZoneInfo(post.time_zone)).date()
            until = local + timedelta(days=step["permitted_days"] - 1) if "permitted_days" in step else None
            Crossing.objects.filter(pk=crossing.pk).update(at=when, local_date=local, permitted_until=until)
            recorded += 1
    if recorded:
        signals.crossings_bulk_loaded.send(sender=Crossing, count=recorded)
    return recorded


def _erase(model: Any, pks: list[Any], seen: set[tuple[str, Any]]) -> int:
    """Delete rows and, first, every row that refers to them (whatever its on_delete): demo reset only."""
    pks = [pk for pk in pks if (model._meta.label, pk) not in seen]
    if not pks:
        return 0
    seen.update((model._meta.label, pk) for pk in pks)
    erased = 0
    # include_hidden: reverse relations named "+" (an overstay's entry crossing) refer to the rows all the same
    relations = [f for f in model._meta.get_fields(include_hidden=True) if f.auto_created and not f.concrete]
    for relation in relations:
        if relation.many_to_many:
            continue
        child = relation.related_model
        child_pks = list(child._base_manager.filter(**{f"{relation.field.name}__in": pks})
                         .values_list("pk", flat=True))
        erased += _erase(child, child_pks, seen)
    deleted, _ = model._base_manager.filter(pk__in=pks).delete()
    return erased + deleted


def reset() -> dict[str, int]:
    """Put the test travellers back in their documented state: erase everything recorded about them (inspections,
    crossings, referrals, hits, stays, chip reads) and record their history again. Development mode only; the
    audit trail keeps what happened and gains a ``demo.reset_travellers`` event."""
    from django.conf import settings
    from django.db import transaction

    from openbmis.audit import services as audit
    from openbmis.core.errors import Conflict
    from openbmis.permits import presence
    from openbmis.statistics import services as statistics
    from openbmis.travellers.models import Traveller

    if settings.CONFIG.mode == "production":
        raise Conflict("resetting the demo's test travellers is refused in production mode")
    numbers = {(case.fields["issuing_state"], number) for case in TEST_TRAVELLERS
               for number in [case.fields["document_number"]]
               + [step["document_number"] for step in case.history if "document_number" in step]}
    with transaction.atomic():
        traveller_ids = {doc.traveller_id for doc in TravelDocument.objects.all().only("issuing_state", "number",
                                                                                      "traveller_id")
                         .filter(number__in=[n for _, n in numbers])
                         if (doc.issuing_state, doc.number) in numbers}
        erased = _erase(Traveller, list(traveller_ids), set())
        recorded = load_history()
        presence.refresh(list(Traveller.objects.filter(documents__number__in=[n for _, n in numbers])
                              .values_list("id", flat=True)))
        audit.record(actor="demo-seed", action="demo.reset_travellers", object_type="traveller",
                     after={"travellers": len(traveller_ids), "rows_erased": erased, "crossings_recorded": recorded})
    statistics.rebuild("demo-seed")
    return {"travellers": len(traveller_ids), "rows_erased": erased, "crossings_recorded": recorded}
