"""The services' errors and the MRZ library's findings reach the officer in the officer's language (issue 20).

The texts compared here are the catalogues' French and Spanish; the error's ``code`` stays the same in every
language, since programs read it.
"""

from __future__ import annotations

import uuid

from openbmis.inspections.models import Inspection

FR = {"Accept-Language": "fr"}
ES = {"Accept-Language": "es"}


def _wrong_birth_check_digit(text: str) -> str:
    line1, line2 = text.split("\n")
    wrong = str((int(line2[19]) + 1) % 10)
    return f"{line1}\n{line2[:19]}{wrong}{line2[20:]}"


def test_service_errors_through_the_api_in_french(client, bearer, officer, mrz_for):
    headers = {**bearer(officer), **FR}

    def post(path, body):
        return client.post(path, body, content_type="application/json", headers=headers)

    base = {"border_post": "TST-A", "direction": "entry", "mrz": mrz_for()}
    lane = post("/api/inspections", {**base, "client_id": str(uuid.uuid4()), "lane": "Z9"})
    assert lane.status_code == 422
    assert lane.json() == {"code": "invalid", "field": "lane",
                           "detail": "le poste frontière TST-A n'a pas de couloir actif 'Z9'"}

    unreadable = post("/api/inspections", {**base, "client_id": str(uuid.uuid4()), "mrz": "P<KENODHIAMBO"})
    assert unreadable.status_code == 422 and unreadable.json()["code"] == "invalid"
    assert unreadable.json()["detail"].startswith("MRZ illisible : MRZ non reconnue (1x(13) lignes x caractères)")

    missing = client.get(f"/api/inspections/{uuid.uuid4()}", headers=headers)
    assert missing.status_code == 404 and missing.json()["code"] == "not_found"
    assert missing.json()["detail"].startswith("aucun contrôle ")

    made = post("/api/inspections", {**base, "client_id": str(uuid.uuid4())})
    assert made.status_code == 201, made.content
    refused = post(f"/api/inspections/{made.json()['id']}/decision", {"decision": "refuse"})
    assert refused.status_code == 422
    assert refused.json() == {"code": "invalid", "field": "reasons", "detail": "un refus exige au moins un motif"}

    # the same request in English: the same code, the English text
    english = client.post(f"/api/inspections/{made.json()['id']}/decision", {"decision": "refuse"},
                          content_type="application/json", headers={**bearer(officer), "Accept-Language": "en"})
    assert english.json() == {"code": "invalid", "field": "reasons", "detail": "a refusal needs at least one reason"}


def test_a_service_error_on_a_page_in_french(session_client, officer, mrz_for):
    client = session_client(officer)
    made = client.post("/inspect/", {"client_id": str(uuid.uuid4()), "border_post": "TST-A", "direction": "entry",
                                     "lane": "", "purpose": "", "travel_mode": "", "transport_id": "",
                                     "mrz": mrz_for()})
    assert made.status_code == 302
    page = client.post(made["Location"], {"decision": "admit", "permitted_until": "2001-01-01", "note": ""},
                       headers=FR)
    assert page.status_code == 400
    text = page.content.decode()
    assert "la fin du séjour autorisé (permitted_until) est dans le passé" in text
    assert "permitted_until is in the past" not in text


def test_a_bad_mrz_at_the_counter_in_spanish(session_client, officer, mrz_for):
    client = session_client(officer)
    response = client.post("/inspect/", {"client_id": str(uuid.uuid4()), "border_post": "TST-A",
                                         "direction": "entry", "lane": "", "purpose": "", "travel_mode": "",
                                         "transport_id": "", "mrz": _wrong_birth_check_digit(mrz_for())},
                           headers=ES)
    assert response.status_code == 400
    text = response.content.decode()
    assert 'data-testid="mrz-errors"' in text
    assert "dígito de control de fecha de nacimiento: se esperaba" in text
    assert "check digit: expected" not in text
    assert not Inspection.objects.exists()


def test_a_failed_mrz_check_reads_in_the_readers_language(inspect, client, bearer, officer, mrz_for):
    made = inspect(mrz=_wrong_birth_check_digit(mrz_for()))
    assert made.status_code == 201, made.content
    check = next(c for c in made.json()["checks"] if c["code"] == "mrz")
    assert check["status"] == "fail" and "birth date check digit: expected" in check["message"]
    again = client.get(f"/api/inspections/{made.json()['id']}", headers={**bearer(officer), **ES})
    spanish = next(c for c in again.json()["checks"] if c["code"] == "mrz")
    assert spanish["message_code"] == "mrz.invalid"
    assert "dígito de control de fecha de nacimiento: se esperaba" in spanish["message"]
    assert spanish["details"]["errors"][0]["code"] == "check_digit"


def test_an_unknown_mrz_error_code_keeps_the_librarys_english():
    from django.utils import translation

    from openbmis.inspections import mrz_texts

    error = {"code": "something_new", "field": "names", "expected": None, "found": "?",
             "message": "the library's own words"}
    with translation.override("es"):
        assert mrz_texts.error_text(error) == "the library's own words"


def test_the_documents_findings_read_in_the_readers_language_with_its_dates(inspect, client, bearer, officer,
                                                                             mrz_for):
    """Issue 20: the MRZ library's findings (expired, a minor...) carry codes and parameters; the pages and the
    API word them in the reader's language, with the day written the language's way."""
    from datetime import date

    made = inspect(mrz=mrz_for(expiry_date=date(2020, 1, 31)))
    check = next(c for c in made.json()["checks"] if c["code"] == "document")
    assert check["status"] == "fail" and "the document expired on 2020-01-31" in check["message"]
    expired = next(f for f in check["details"]["findings"] if f["code"] == "expired")
    assert expired["params"]["date"] == "2020-01-31" and expired["params"]["days"] > 365
    again = client.get(f"/api/inspections/{made.json()['id']}", headers={**bearer(officer), **ES})
    spanish = next(c for c in again.json()["checks"] if c["code"] == "document")
    assert spanish["message_code"] == "document.findings"
    assert "31/01/2020" in spanish["message"] and "caducó" in spanish["message"], spanish["message"]
    minor = inspect(mrz=mrz_for(birth_date=date(2015, 3, 1), document_number="M1234567")).json()
    arabic = client.get(f"/api/inspections/{minor['id']}", headers={**bearer(officer), "Accept-Language": "ar"})
    text = next(c for c in arabic.json()["checks"] if c["code"] == "document")["message"]
    assert "قاصر" in text and "minor" not in text, text


def test_a_refusal_names_what_was_refused_in_the_readers_language(inspect, mrz_for, make_user, two_posts,
                                                                   session_client):
    """The permission's description inside an access refusal is translated too (it was English in French)."""
    made = inspect(mrz=mrz_for()).json()
    other = session_client(make_user("primary_officer", two_posts[1]))
    page = other.get(f"/inspect/{made['id']}/", HTTP_ACCEPT_LANGUAGE="fr")
    text = page.content.decode().replace("&#x27;", "'")
    assert page.status_code == 403
    assert "voir l'identité des voyageurs" in text and "see travellers" not in text, text[-800:]
