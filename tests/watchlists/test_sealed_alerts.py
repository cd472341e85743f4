"""Stolen and lost document numbers sealed at rest; the list's search finds them exactly and by look-alike
characters through the blind indexes (issue 14)."""

from __future__ import annotations

import json
from uuid import UUID

from django.db import connection

from openbmis.watchlists import services
from openbmis.watchlists.models import DocumentAlert


def _stored_row(alert: DocumentAlert) -> tuple[str, str, str]:
    table = connection.ops.quote_name(DocumentAlert._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT number, number_index, data FROM {table} WHERE id = %s",  # noqa: S608
                       [DocumentAlert._meta.pk.get_db_prep_value(alert.pk, connection)])
        return cursor.fetchone()


def test_an_alert_keeps_no_clear_number_and_reads_plain(stolen):
    alert = DocumentAlert.objects.get(external_id="SLTD-1")
    number, index, data = _stored_row(alert)
    data = data if isinstance(data, str) else json.dumps(data)
    assert "K0000013" not in number + index + data and number.startswith("sealed:v1:")
    assert alert.number == "K0000013" and alert.data["number"] == "K0000013"


def test_the_search_finds_an_alert_exactly_and_with_look_alike_characters(stolen):
    alerts = DocumentAlert.objects.filter(watchlist=stolen)
    found = lambda query: sorted(services.alerts_with_number(alerts, query).values_list("external_id", flat=True))  # noqa: E731
    assert found("K0000013") == ["SLTD-1"]
    assert found("KOOOOO13") == ["SLTD-1"]  # O for 0, as a reader or a hurried officer types it
    assert found("k0000o13 ") == ["SLTD-1"]
    assert found("B1234567") == ["SLTD-2"] and found("8I234567") == ["SLTD-2"]
    assert found("SLTD-2") == ["SLTD-2"]
    assert found("0000013") == []  # a part of a number finds nothing: the numbers are sealed


def test_the_list_page_search_uses_the_blind_indexes(stolen, admin, session_client):
    page = session_client(admin).get(f"/watchlists/{stolen.id}/", {"q": "KOOOOO13"})
    assert page.status_code == 200
    assert "K0000013" in page.content.decode() and "B1234567" not in page.content.decode()


def test_the_counter_still_stops_a_stolen_passport(stolen, inspect, mrz_for):
    body = inspect(mrz=mrz_for(document_number="K0000013", issuing_state="KEN", nationality="KEN")).json()
    assert "stolen_lost" in body["blocking_checks"]


def test_the_inspection_and_the_hit_keep_the_stolen_number_sealed(stolen, inspect, mrz_for):
    from openbmis.inspections.models import Inspection
    from openbmis.watchlists.models import Hit

    body = inspect(mrz=mrz_for(document_number="K0000013", issuing_state="KEN", nationality="KEN")).json()
    hit = Hit.objects.get(inspection_id=body["id"])
    assert "K0000013" in hit.name  # read plain

    def stored(model, pk, *columns):
        table = connection.ops.quote_name(model._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {', '.join(columns)} FROM {table} WHERE id = %s",  # noqa: S608
                           [model._meta.pk.get_db_prep_value(pk, connection)])
            return " ".join(v if isinstance(v, str) else json.dumps(v) for v in cursor.fetchone())

    raw = stored(Inspection, body["id"], "mrz", "document_data", "checks", "hits") + stored(Hit, hit.pk, "name", "data")
    assert "K0000013" not in raw and "sealed:v1:" in raw


def test_the_timeline_counts_hits_opening_only_the_hits(national, stolen, inspect, mrz_for, kamau):
    """The hits are sealed, so the timeline reads them in Python: newest first, only the hits column opened (not
    the MRZ, the document or the checks), and it stops at its limit."""
    from django.test.utils import CaptureQueriesContext

    from openbmis.inspections.timeline import timeline
    from openbmis.travellers.models import Traveller

    kamau["document_number"] = "K1111111"
    first = inspect(mrz=mrz_for(**kamau)).json()
    second = inspect(mrz=mrz_for(**kamau)).json()
    person = Traveller.objects.get(pk=first["traveller"]["id"])
    events, _ = timeline(person)
    assert [e["id"] for e in events if e["kind"] == "hits"] == [UUID(second["id"]), UUID(first["id"])]
    with CaptureQueriesContext(connection) as ctx:
        events, _ = timeline(person, limit=1)
    assert [e["id"] for e in events if e["kind"] == "hits"] == [UUID(second["id"])]
    read = [q["sql"] for q in ctx.captured_queries if '"inspections_inspection"."hits"' in q["sql"]]
    assert read and not any("document_data" in sql or '"mrz"' in sql for sql in read), read
