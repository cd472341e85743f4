"""The holder's name in their own script, typed by the officer from the data page (issue 20): kept with the
document, shown beside the MRZ name, refused with a clear error when it is not a name."""

from __future__ import annotations

import uuid

import pytest

from openbmis.inspections.models import Inspection


def test_the_api_keeps_the_typed_name_and_the_page_shows_it_beside_the_mrz_name(inspect, mrz_for, session_client,
                                                                                 officer):
    made = inspect(mrz=mrz_for(), national_name="  Амина   Одхиамбо ")
    assert made.status_code == 201, made.content
    assert made.json()["document_data"]["national_name"] == "Амина Одхиамбо"
    assert Inspection.objects.get(pk=made.json()["id"]).document_data["national_name"] == "Амина Одхиамбо"
    page = session_client(officer).get(f"/inspect/{made.json()['id']}/").content.decode()
    assert 'data-testid="typed-own-script-name"' in page and "Амина Одхиамбо" in page and "ODHIAMBO" in page


def test_the_counter_form_takes_the_name_by_hand_entry_too(session_client, officer):
    client = session_client(officer)
    response = client.post("/inspect/", {
        "client_id": str(uuid.uuid4()), "border_post": "TST-A", "direction": "entry", "lane": "", "mode": "manual",
        "national_name": "أمينة أوديامبو",
        "doc-document_code": "P", "doc-issuing_state": "KEN", "doc-document_number": "H1234567",
        "doc-primary_identifier": "ODHIAMBO", "doc-secondary_identifier": "AMINA", "doc-nationality": "KEN",
        "doc-birth_date": "1990-05-17", "doc-sex": "F", "doc-expiry_date": "2031-01-01"})
    assert response.status_code == 302, response.content.decode()[-2000:]
    inspection = Inspection.objects.get(pk=response["Location"].rstrip("/").split("/")[-1])
    assert inspection.document_data["national_name"] == "أمينة أوديامبو"
    assert inspection.document_data["format"] == "manual"


@pytest.mark.parametrize(("name", "problem"), [
    ("Amina\u202eOdhiambo", "invisible"),  # a right-to-left override: would reorder what the officer reads
    ("Amina\x07", "control"),
    ("12345 --", "no letter"),
    ("Ф" * 121, "too long"),
])
def test_a_name_that_is_not_a_name_is_refused_naming_the_field(inspect, mrz_for, name, problem):
    response = inspect(mrz=mrz_for(), national_name=name)
    assert response.status_code in (400, 422), response.content
    body = response.json()
    assert body.get("field") == "national_name" or "national_name" in str(body), body
    assert not Inspection.objects.exists()


def test_joiners_that_scripts_need_are_kept(inspect, mrz_for):
    made = inspect(mrz=mrz_for(), national_name="می\u200cخواهم")
    assert made.status_code == 201 and made.json()["document_data"]["national_name"] == "می\u200cخواهم"
