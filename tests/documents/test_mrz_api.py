"""POST /api/documents/mrz: the MRZ library's reading over HTTP, with errors that name the field."""

from __future__ import annotations

import json

import pytest

# ICAO Doc 9303 Part 4 specimen (TD3), with its printed check digits.
SPECIMEN = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10"


@pytest.fixture
def officer_headers(make_user, bearer, two_posts):
    return bearer(make_user("primary_officer", two_posts[0]))


def post(client, headers, body):
    return client.post("/api/documents/mrz", json.dumps(body), content_type="application/json", headers=headers)


def test_specimen_is_read_field_by_field(client, officer_headers):
    response = post(client, officer_headers, {"mrz": SPECIMEN})
    assert response.status_code == 200
    data = response.json()
    assert data["format"] == "TD3"
    assert data["document_number"] == "L898902C3"
    assert data["primary_identifier"] == "ERIKSSON"
    assert data["secondary_identifier"] == "ANNA MARIA"
    assert data["birth_date"] == "1974-08-12"
    assert data["expiry_date"] == "2012-04-15"
    assert data["valid"] is True
    codes = {check["code"] for check in data["document_checks"]}
    assert {"expired", "specimen"} <= codes


def test_keyboard_wedge_input_in_lower_case(client, officer_headers):
    wedge = SPECIMEN.replace("\n", "").lower()
    data = post(client, officer_headers, {"mrz": f"  {wedge}  "}).json()
    assert data["document_number"] == "L898902C3" and data["valid"] is True


def test_wrong_check_digit_is_named(client, officer_headers):
    # birth date check digit 2 replaced by 4
    broken = SPECIMEN.replace("7408122F", "7408124F")
    data = post(client, officer_headers, {"mrz": broken, "repair": False}).json()
    assert data["valid"] is False
    birth = [e for e in data["errors"] if e["field"] == "birth_date"]
    assert birth and birth[0]["expected"] == "2" and birth[0]["found"] == "4"


def test_not_an_mrz_is_422(client, officer_headers):
    response = post(client, officer_headers, {"mrz": "hello world"})
    assert response.status_code == 422
    assert response.json()["field"] == "mrz"


def test_missing_body_field_is_422(client, officer_headers):
    response = post(client, officer_headers, {})
    assert response.status_code == 422
    assert "mrz" in response.json()["detail"]
