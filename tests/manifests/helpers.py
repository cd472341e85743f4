"""Manifests for the tests: persons, PAXLST text for today's flights written with the library's writer, the
MRZ of a listed passenger, an inspection of one (shared by the manifest tests and the browser flow)."""

from __future__ import annotations

import datetime as dt
import uuid

from openbmis import mrz, paxlst


def person(surname: str, given: str, number: str, *, nationality: str = "CAN", sex: str = "M",
           birth: str = "1957-01-21", role: str = "passenger") -> paxlst.Person:
    return paxlst.Person(
        role=role, party_code="FM" if role == "crew" else "FL", surname=surname, given_names=given, sex=sex,
        birth_date=birth, nationality=nationality, embarkation="YVR", debarkation="JFK",
        documents=[paxlst.Document(type="P", number=number, issuing_state=nationality, expiry_date="2031-10-21")],
    )


def manifest_text(persons: list[paxlst.Person], *, flight: str = "UA123", function: str = "new",
                  day: dt.date | None = None, reference: str = "1", kind: str = "passengers") -> str:
    day = day or dt.date.today()
    leg = paxlst.Leg(flight=flight, carrier=flight[:2], origin="YVR", destination="JFK",
                     departure=f"{day.isoformat()}T00:30", arrival=f"{day.isoformat()}T23:00")
    message = paxlst.Message(kind=kind, function=function, legs=[leg], persons=persons)
    return paxlst.write_paxlst([message], sender="UA", recipient="OPENBMIS", reference=reference,
                               prepared=dt.datetime.combine(day, dt.time(0, 10)))


PASSENGERS = [person("DOE", "JOHN WAYNE", "MB140241"), person("SMITH", "ANNA", "SA000001", sex="F"),
              person("KAMAU", "JOSEPH", "KE000002", nationality="KEN")]


def mrz_of(p: paxlst.Person) -> str:
    doc = p.documents[0]
    return mrz.make({"format": "TD3", "document_code": "P", "issuing_state": doc.issuing_state,
                     "document_number": doc.number, "primary_identifier": p.surname,
                     "secondary_identifier": p.given_names, "nationality": p.nationality,
                     "birth_date": dt.date.fromisoformat(p.birth_date or "1970-01-01"), "sex": p.sex,
                     "expiry_date": dt.date.fromisoformat(doc.expiry_date or "2031-01-01"), "optional_data": ""})


def inspect(officer, post, p: paxlst.Person, flight: str = ""):
    from openbmis.inspections import services

    return services.start_inspection(officer, border_post=post, client_id=uuid.uuid4(), direction="entry",
                                     mrz_text=mrz_of(p), transport_id=flight).inspection
