"""Attacks on a real server (`openbmis serve`, production mode) through its socket: every bad input answers a
4xx JSON error naming the field; races, linking and registers leak nothing; hostile files are refused.

Runs on the suite's database (SQLite, or PostgreSQL when OPENBMIS_DATABASE_URL names it).
"""

from __future__ import annotations

import io
import json
import re
import sys
import threading
import uuid
import zipfile

import pytest
from tests.server.attack_server import Live, served

pytestmark = [pytest.mark.xdist_group("live_server"), pytest.mark.slow]

MANUAL = {"issuing_state": "KEN", "document_number": "X1234567", "primary_identifier": "ODHIAMBO",
          "secondary_identifier": "AMINA", "nationality": "KEN", "birth_date": "1990-05-17", "sex": "F"}
VISA = {"number": "V100", "entries": "single", "valid_from": "2026-01-01", "valid_until": "2026-12-31",
        "duration_days": 30, "surname": "ODHIAMBO", "given_names": "AMINA", "nationality": "KEN",
        "passport_number": "X1234567"}
EVISA_HEADER = "number,surname,given_names,nationality,birth_date,passport_number,valid_from,valid_until," \
               "duration_days,entries\n"


@pytest.fixture(scope="module")
def live(tmp_path_factory) -> Live:
    with served(tmp_path_factory.mktemp("live")) as server:
        yield server


def _json(response: tuple[int, dict[str, str], bytes]) -> dict:
    status, headers, body = response
    assert headers.get("Content-Type", "").startswith("application/json"), (status, body[:300])
    return json.loads(body)


def _inspection(live: Live, role: str, post: str, **body):
    payload = {"border_post": post, "client_id": str(uuid.uuid4()), "direction": "entry", **body}
    return live.call("POST", "/api/inspections", role=role, json_body=payload)


def _field_named(body: dict, field: str) -> bool:
    fields = {body.get("field")} | {e.get("field") for e in body.get("errors", []) if isinstance(e, dict)}
    return any(f and (f == field or f.endswith("." + field)) for f in fields)


# --- item 9 and 10: every bad input is a 4xx JSON error naming the field ---------------------------------

BAD_INPUTS = [
    # (name, method, path, role, json body or raw bytes, extra headers, status, field)
    ("multipart without boundary", "POST", "/api/watchlists/{wl}/imports", "administrator", b"--x--",
     {"Content-Type": "multipart/form-data"}, 400, "file"),
    ("min_days out of range", "GET", "/api/overstays?min_days=99999999999999999999", "analyst", None, {}, 422,
     "min_days"),
    ("neighbour_country null is no neighbour", "PATCH", "/api/border-posts/LIV-B", "administrator",
     {"neighbour_country": None}, {}, 200, None),
    ("name null", "PATCH", "/api/border-posts/LIV-B", "administrator", {"name": None}, {}, 422, "name"),
    ("over-long purpose", "POST", "/api/inspections", "primary_officer",
     {"border_post": "LIV-A", "client_id": str(uuid.uuid4()), "direction": "entry", "document": MANUAL,
      "purpose": "x" * 100_000}, {}, 422, "purpose"),
    ("free-text travel mode", "POST", "/api/inspections", "primary_officer",
     {"border_post": "LIV-A", "client_id": str(uuid.uuid4()), "direction": "entry", "document": MANUAL,
      "travel_mode": "=HYPERLINK(\"http://x\")"}, {}, 422, "travel_mode"),
    ("NUL in a JSON string", "POST", "/api/inspections", "primary_officer",
     {"border_post": "LIV-A", "client_id": str(uuid.uuid4()), "direction": "entry",
      "document": {**MANUAL, "primary_identifier": "ODHI\u0000AMBO"}}, {}, 422, "document.primary_identifier"),
    ("NUL in the query", "GET", "/api/visas?passport_number=X%00Y", "administrator", None, {}, 422, "query"),
    ("NUL in the path", "GET", "/api/border-posts/LIV%00A", "administrator", None, {}, 422, "path"),
    ("huge offset", "GET", "/api/crossings?offset=99999999999999999999", "supervisor", None, {}, 422, "offset"),
    ("time-zone offset out of range", "GET", "/api/audit/events?from=2024-01-01T00:00:00%2B99:00", "auditor",
     None, {}, 422, "from"),
    ("date and time at year 1", "GET", "/api/audit/events?from=0001-01-01T00:00:00%2B05:00", "auditor", None, {},
     422, "from"),
    ("e-visa CSV field over 128 KiB", "POST", "/api/evisas/import", "administrator",
     {"content": EVISA_HEADER + "A" * 200_000 + ",B,C,KEN,1990-01-01,P1,2026-01-01,2026-02-01,30,single\n"}, {},
     422, "file"),
    ("body over the upload limit", "POST", "/api/evisas/import", "administrator", {"content": "x" * (3 * 2**20)},
     {}, 413, "body"),
    ("JSON array as an object", "POST", "/api/visas/match", "administrator", [], {}, 422, "body"),
    ("not JSON", "POST", "/api/visas/match", "administrator", b"{nope", {"Content-Type": "application/json"},
     422, "body"),
    ("date 0", "POST", "/api/visas", "administrator", {**VISA, "valid_from": 0}, {}, 422, "valid_from"),
    ("date '0' in a query", "GET", "/api/crossings?from=0", "supervisor", None, {}, 422, "from"),
    ("visa valid until 9999", "POST", "/api/visas", "administrator", {**VISA, "valid_until": "9999-12-31"}, {},
     422, "valid_until"),
    ("visa valid for 50 years", "POST", "/api/visas", "administrator",
     {**VISA, "number": "V50", "valid_until": "2076-01-01"}, {}, 422, "valid_until"),
    ("upload named ..", "POST", "/api/trust/imports", "administrator", {"file_name": "..", "content": "AAAA"}, {},
     422, "file_name"),
    ("unknown API path", "GET", "/api/no-such-thing", "administrator", None, {}, 404, None),
]


@pytest.fixture(scope="module")
def watchlist_id(live):
    status, _, body = live.call("GET", "/api/watchlists", role="administrator")
    assert status == 200
    lists = json.loads(body)
    if not lists:
        pytest.skip("no watchlist in a fresh installation")
    return lists[0]["id"]


@pytest.mark.parametrize("case", BAD_INPUTS, ids=[c[0] for c in BAD_INPUTS])
def test_bad_input_is_a_4xx_json_error_naming_the_field(live, watchlist_id, case):
    _name, method, path, role, body, headers, status, field = case
    path = path.replace("{wl}", watchlist_id)
    raw = body if isinstance(body, bytes) else None
    response = live.call(method, path, role=role, body=raw, json_body=None if raw is not None else body,
                         headers=headers)
    answer = _json(response)
    assert response[0] == status, answer
    if field:
        assert _field_named(answer, field), answer
    if status >= 400:
        assert answer.get("code") and answer.get("detail"), answer


def test_nul_is_not_stored_and_json_arrays_are_not_objects(live):
    status, _, _ = _inspection(live, "primary_officer", "LIV-A",
                               document={**MANUAL, "secondary_identifier": "A\u0000"})
    assert status == 422
    status, _, body = live.call("PATCH", "/api/border-posts/LIV-A", role="administrator", json_body=["name"])
    assert status == 422 and json.loads(body)["field"] == "body"


def test_evisa_csv_with_a_byte_order_mark_is_read(live):
    content = "\ufeff" + EVISA_HEADER + "EV1,ODHIAMBO,AMINA,KEN,1990-05-17,X1234567,2026-01-01,2026-06-30,30,single\n"
    status, _, body = live.call("POST", "/api/evisas/import", role="administrator", json_body={"content": content})
    assert status == 201, body
    assert json.loads(body)["created"] == 1


def test_an_unexpected_error_in_production_is_json_with_a_request_id(live):
    # The unknown-path answer stands for Django's own pages: never HTML to an API client.
    status, headers, body = live.call("GET", "/api/border-posts/NOPE", role="administrator")
    assert status == 404 and headers["Content-Type"].startswith("application/json")
    assert b"<html" not in body.lower()


# --- item 3: the same client_id from two posts -------------------------------------------------------------

def test_a_client_id_from_another_post_never_returns_its_inspection(live):
    for _ in range(6):
        client_id = str(uuid.uuid4())
        answers: dict[str, tuple[int, dict]] = {}

        def post(role: str, code: str, client_id: str = client_id, answers: dict = answers) -> None:
            response = live.call("POST", "/api/inspections", role=role, json_body={
                "border_post": code, "client_id": client_id, "direction": "entry", "document": MANUAL})
            answers[role] = (response[0], json.loads(response[2]))

        threads = [threading.Thread(target=post, args=("primary_officer", "LIV-A")),
                   threading.Thread(target=post, args=("officer_b", "LIV-B"))]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        statuses = sorted(status for status, _ in answers.values())
        assert statuses in ([201, 409], [409, 201]), answers
        for role, (status, body) in answers.items():
            if status == 201:
                assert body["border_post"] == ("LIV-A" if role == "primary_officer" else "LIV-B")
            else:
                assert body["field"] == "client_id" and "border_post" not in body


# --- item 5: registers without identities access -----------------------------------------------------------

def test_analysts_without_identities_access_do_not_read_who_holds_a_visa_permit_or_ban(live):
    status, _, body = live.call("POST", "/api/visas", role="administrator", json_body={**VISA, "number": "V5"})
    assert status == 201, body
    status, _, body = live.call("POST", "/api/residence-permits", role="administrator", json_body={
        "kind": "work", "number": "RP5", "surname": "ODHIAMBO", "nationality": "KEN", "passport_number": "X1234567",
        "valid_from": "2026-01-01", "valid_until": "2027-01-01"})
    assert status == 201, body
    status, _, body = live.call("POST", "/api/entry-bans", role="administrator", json_body={
        "surname": "ODHIAMBO", "given_names": "AMINA", "nationality": "KEN", "birth_date": "1990-05-17",
        "document_number": "X1234567", "starts_on": "2026-01-01", "reason": "test"})
    assert status == 201, body
    for path in ("/api/visas", "/api/residence-permits", "/api/entry-bans"):
        rows = _json(live.call("GET", path, role="analyst"))
        assert rows, path
        assert all(r["surname"] is None for r in rows), (path, rows)
        assert b"ODHIAMBO" not in json.dumps(rows).encode() and b"X1234567" not in json.dumps(rows).encode()
        whole = _json(live.call("GET", path, role="administrator"))
        assert any(r["surname"] == "ODHIAMBO" for r in whole)
    status, _, body = live.call("GET", "/api/visas?passport_number=X1234567", role="analyst")
    assert status == 403 and json.loads(body)["field"] == "passport_number"


# --- item 4: identity linking does not open other posts' records -------------------------------------------

def test_linking_a_hand_typed_document_shows_nothing_recorded_at_other_posts(live):
    person = {**MANUAL, "document_number": "L7654321", "primary_identifier": "KARIUKI", "secondary_identifier": "JANE"}
    status, _, body = _inspection(live, "primary_officer", "LIV-A", document=person)
    assert status == 201, body
    first = json.loads(body)
    status, _, body = live.call("POST", f"/api/inspections/{first['id']}/decision", role="primary_officer",
                                json_body={"decision": "admit", "permitted_until": "2026-12-30"})
    assert status in (200, 201), body
    # At the other post someone types the same person with another document number: linked to the identity.
    status, _, body = _inspection(live, "officer_b", "LIV-B", direction="exit",
                                  document={**person, "document_number": "Z9999999"})
    assert status == 201, body
    second = json.loads(body)
    assert second["traveller"]["id"] == first["traveller"]["id"], "the test needs the identities to link"
    history = next(c for c in second["checks"] if c["code"] == "history")
    assert "L7654321"[-3:] not in json.dumps(history) and "LIV-A" not in json.dumps(history)
    status, _, body = live.call("GET", f"/api/travellers/{second['traveller']['id']}", role="officer_b")
    assert status == 200, body
    seen = json.loads(body)
    assert [d["number"] for d in seen["documents"]] == ["Z9999999"]
    assert all(e["border_post"] == "LIV-B" for e in seen["timeline"])
    assert seen["history_elsewhere"] is True
    own = _json(live.call("GET", f"/api/travellers/{first['traveller']['id']}", role="primary_officer"))
    assert "L7654321" in [d["number"] for d in own["documents"]]


# --- items 14 and 15: hostile list files -------------------------------------------------------------------

def _multipart(name: str, content: bytes, fmt: str = "auto") -> tuple[bytes, dict[str, str]]:
    boundary = "----openbmis" + uuid.uuid4().hex
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"format\"\r\n\r\n{fmt}\r\n"
            f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n"
            "Content-Type: application/octet-stream\r\n\r\n").encode() + content + f"\r\n--{boundary}--\r\n".encode()
    return body, {"Content-Type": f"multipart/form-data; boundary={boundary}"}


def _watchlist(live: Live, kind: str = "persons") -> str:
    lists = _json(live.call("GET", "/api/watchlists", role="administrator"))
    return next(w["id"] for w in lists if w.get("kind", kind) == kind)


def test_un_xml_with_an_internal_entity_after_4_kb_is_refused(live):
    padding = "<!-- CONSOLIDATED_LIST " + "p" * 5000 + " -->"  # recognised as the UN list; DTD after 4 KB
    bomb = (f'<?xml version="1.0"?>{padding}<!DOCTYPE CONSOLIDATED_LIST [<!ENTITY a "{"a" * 1000}">'
            '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><CONSOLIDATED_LIST><INDIVIDUALS><INDIVIDUAL>'
            '<FIRST_NAME>&b;</FIRST_NAME></INDIVIDUAL></INDIVIDUALS></CONSOLIDATED_LIST>').encode()
    body, headers = _multipart("consolidated.xml", bomb, "un-sc-xml")
    status, _, answer = live.call("POST", f"/api/watchlists/{_watchlist(live)}/imports", role="administrator",
                                  body=body, headers=headers)
    assert status == 422, answer
    assert re.search(rb"(?i)dtd|document type|entit", answer), answer


def test_a_zip_bomb_is_refused_and_not_kept(live):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        with archive.open("sdn.csv", "w", force_zip64=True) as member:
            chunk = b"0" * 2**20
            for _ in range(110):
                member.write(chunk)
    content = buffer.getvalue()
    assert len(content) < 2 * 2**20
    body, headers = _multipart("sdn.zip", content)
    status, _, answer = live.call("POST", f"/api/watchlists/{_watchlist(live)}/imports", role="administrator",
                                  body=body, headers=headers)
    assert status == 422, answer
    refused = json.loads(answer)
    assert b"expand" in answer
    import_id = refused["details"]["import_id"]
    # The rejected file is not kept: the import records its hash and size only.
    import subprocess

    check = subprocess.run([sys.executable, "-c", (
        "import django, sys; django.setup();"
        "from openbmis.watchlists.models import WatchlistImport as W;"
        f"r = W.objects.get(id='{import_id}'); print(len(bytes(r.content)), r.file_size)")],
        env=live.env, capture_output=True, text=True, timeout=120, check=True)
    kept, size = check.stdout.split()
    assert kept == "0" and int(size) == len(content)
