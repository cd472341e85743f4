"""Carriers' compliance with advance passenger information in the statistics: the API, the dashboard's section and
the monthly report, with the statistics' own small-cell protection.

The scenario, counted by hand: two UA manifests for flights that arrived yesterday at JFK (23:00 UTC), one received
late (03:00, departure 00:30), one with a person without birth date (incomplete); four persons listed, one of
them inspected at the counter (three no-shows); one inspection names UA999, a flight with no manifest (missing),
and one names UA123 for a person it does not list (an arrival not listed).
"""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
import time_machine
from tests.statistics.test_reports_cli import _text

from openbmis import mrz, paxlst

# The clock is set to a fixed noon for each test: "yesterday" taken from the real clock at import time once met
# inspections made after midnight, two days from the flights and outside the period, and the counts fell apart.
TODAY = dt.date(2026, 3, 15)
NOON = dt.datetime.combine(TODAY, dt.time(12, 0), tzinfo=dt.UTC)
YESTERDAY = TODAY - dt.timedelta(days=1)
PERIOD = {"from": YESTERDAY.isoformat(), "to": TODAY.isoformat()}
EXACT = {"carrier": "UA", "manifests": 2, "late": 1, "incomplete": 1, "with_errors": 0, "missing": 1, "listed": 4,
         "no_shows": 3, "not_listed": 1}


def _person(surname: str, number: str, birth: str | None = "1957-01-21") -> paxlst.Person:
    return paxlst.Person(surname=surname, given_names="TEST", sex="M", birth_date=birth, nationality="CAN",
                         embarkation="YVR", debarkation="JFK",
                         documents=[paxlst.Document(type="P", number=number, issuing_state="CAN",
                                                    expiry_date="2031-10-21")])


def _manifest(persons: list[paxlst.Person], flight: str, reference: str) -> str:
    day = YESTERDAY.isoformat()
    leg = paxlst.Leg(flight=flight, carrier="UA", origin="YVR", destination="JFK", departure=f"{day}T00:30",
                     arrival=f"{day}T23:00")
    return paxlst.write_paxlst([paxlst.Message(kind="passengers", legs=[leg], persons=persons)], sender="UA",
                               recipient="OPENBMIS", reference=reference,
                               prepared=dt.datetime.combine(YESTERDAY, dt.time(0, 0)))


def _inspect(officer, post, surname: str, number: str, flight: str) -> None:
    from openbmis.inspections import services

    text = mrz.make({"format": "TD3", "document_code": "P", "issuing_state": "CAN", "document_number": number,
                     "primary_identifier": surname, "secondary_identifier": "TEST", "nationality": "CAN",
                     "birth_date": dt.date(1957, 1, 21), "sex": "M", "expiry_date": dt.date(2031, 10, 21),
                     "optional_data": ""})
    services.start_inspection(officer, border_post=post, client_id=uuid.uuid4(), direction="entry", mrz_text=text,
                              transport_id=flight)


@pytest.fixture
def flights(db, make_user):
    with time_machine.travel(NOON, tick=True):
        yield _scenario(make_user)


def _scenario(make_user):
    from openbmis.borderposts import services as posts
    from openbmis.manifests import services

    post = posts.create_border_post("test", code="JFK", name="JFK airport", kind="air", country="UTO",
                                    time_zone="UTC", lanes=[{"code": "J1", "direction": "entry"}])
    services.register_carrier("test", code="UA", name="United")
    on_time = dt.datetime.combine(YESTERDAY, dt.time(0, 0), tzinfo=dt.UTC)
    services.ingest("test", _manifest([_person("ALPHA", "AL000001"), _person("BRAVO", "BR000002"),
                                       _person("CHARLIE", "CH000003")], "UA123", "1"), source="cli",
                    now=on_time + dt.timedelta(hours=3))
    services.ingest("test", _manifest([_person("DELTA", "DE000004", birth=None)], "UA7", "2"), source="cli",
                    now=on_time)
    officer = make_user("primary_officer", post)
    _inspect(officer, post, "ALPHA", "AL000001", "UA123")
    _inspect(officer, post, "ECHO", "EC000005", "UA999")
    _inspect(officer, post, "FOXTROT", "FO000006", "UA123")
    return post


def test_api_counts_exact_for_identity_readers(flights, analyst_with_identities, session_client):
    body = session_client(analyst_with_identities).get("/api/statistics/carriers", PERIOD).json()
    assert body["rows"] == [EXACT]
    assert body["suppressed"] == 0 and body["rounded_to"] == 1
    assert body["totals"] == {k: v for k, v in EXACT.items() if k != "carrier"}


def test_api_hides_small_counts_like_every_statistic(flights, analyst, session_client):
    body = session_client(analyst).get("/api/statistics/carriers", PERIOD).json()
    # the minimum cell is 5: every count from 1 to 4 is hidden, zeros stay
    hidden = {k: (0 if v == 0 else None) for k, v in EXACT.items() if k != "carrier"}
    assert body["rows"] == [{"carrier": "UA", **hidden}]
    assert body["totals"] == hidden and body["rounded_to"] == 5
    assert body["suppressed"] == 2 * sum(1 for v in hidden.values() if v is None)


def test_api_scope_and_period(flights, make_user, session_client, demo_posts):
    other = make_user("supervisor", demo_posts[0])  # statistics at another post: no flight of theirs
    body = session_client(other).get("/api/statistics/carriers", PERIOD).json()
    assert body["rows"] == []
    earlier = {"from": (YESTERDAY - dt.timedelta(days=9)).isoformat(),
               "to": (YESTERDAY - dt.timedelta(days=2)).isoformat()}
    assert session_client(make_user("analyst", None)).get("/api/statistics/carriers", earlier).json()["rows"] == []


def test_dashboard_section_and_monthly_report(flights, analyst, analyst_with_identities, session_client,
                                              monkeypatch):
    from reportlab import rl_config

    from openbmis.statistics import reports

    page = session_client(analyst).get("/statistics/", PERIOD).content.decode()
    assert 'data-testid="compliance"' in page and "Flights without manifest" in page
    section = page.split('data-testid="compliance"')[1].split("</section>")[0]
    assert "<th scope=\"row\">UA</th>" in section and "&lt;5" in section
    exact = session_client(analyst_with_identities).get("/statistics/", PERIOD).content.decode()
    section = exact.split('data-testid="compliance"')[1].split("</section>")[0]
    assert "<td>1</td><td>1</td><td>0</td><td>1</td><td>4</td><td>3</td><td>1</td>" in section.replace("\n", "")

    monkeypatch.setattr(rl_config, "useA85", 0)  # plain zlib streams, so the test can read the text
    pdf, _filters = reports.generate(analyst_with_identities, YESTERDAY.replace(day=1), None)
    text = _text(pdf)
    assert "Carrier compliance (advance passenger information)" in text and "Flights without manifest" in text
