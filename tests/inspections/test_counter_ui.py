"""The counter, the secondary queue and the traveller page, through the server-rendered UI."""

from __future__ import annotations

import io
import uuid

from PIL import Image

from openbmis.inspections.models import Crossing, Inspection, Referral, ReferralNote


def counter_post(client, **fields):
    data = {"client_id": str(uuid.uuid4()), "border_post": "TST-A", "direction": "entry", "lane": "", "purpose": "",
            "travel_mode": "", "transport_id": "", **fields}
    return client.post("/inspect/", data)


def test_scan_check_and_admit(session_client, officer, mrz_for):
    client = session_client(officer)
    page = client.get("/inspect/")
    assert page.status_code == 200 and b'data-testid="mrz"' in page.content
    response = counter_post(client, mrz=mrz_for().replace("\n", "\r\n").lower())
    assert response.status_code == 302
    inspection = Inspection.objects.get()
    detail = client.get(response["Location"])
    assert b"ODHIAMBO" in detail.content and b'data-code="mrz"' in detail.content
    response = client.post(response["Location"], {"decision": "admit", "permitted_until": "", "note": ""})
    assert response.status_code == 302 and response["Location"] == "/inspect/"
    assert Crossing.objects.get().inspection == inspection


def test_double_submit_makes_one_inspection(session_client, officer, mrz_for):
    client = session_client(officer)
    client_id = str(uuid.uuid4())
    first = counter_post(client, mrz=mrz_for(), client_id=client_id)
    second = counter_post(client, mrz=mrz_for(), client_id=client_id)
    assert first["Location"] == second["Location"]
    assert Inspection.objects.count() == 1


def test_misread_mrz_shows_the_field_and_offers_correction(session_client, officer, mrz_for):
    client = session_client(officer)
    line1, line2 = mrz_for().split("\n")
    wrong = str((int(line2[19]) + 1) % 10)
    response = counter_post(client, mrz=f"{line1}\n{line2[:19]}{wrong}{line2[20:]}")
    assert response.status_code == 400
    assert b'data-testid="mrz-errors"' in response.content
    assert b"birth date check digit: expected" in response.content
    assert b'value="ODHIAMBO"' in response.content  # the manual form is prefilled for correction
    assert not Inspection.objects.exists()
    fixed = {"mode": "manual", "doc-document_code": "P", "doc-issuing_state": "KEN", "doc-document_number": "X1234567",
             "doc-primary_identifier": "ODHIAMBO", "doc-secondary_identifier": "AMINA", "doc-nationality": "KEN",
             "doc-birth_date": "1990-05-17", "doc-sex": "F", "doc-expiry_date": "2031-01-01"}
    response = counter_post(client, mrz="", **fixed)
    assert response.status_code == 302
    assert Inspection.objects.get().document_data["format"] == "manual"


def test_empty_submission_says_what_to_do(session_client, officer):
    response = counter_post(session_client(officer), mrz="")
    assert response.status_code == 400
    assert b"Scan or paste the MRZ" in response.content


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(buffer, format="PNG")
    return buffer.getvalue()


def test_referral_notes_and_secondary_decision(session_client, officer, mrz_for, make_user, two_posts, client):
    primary = session_client(officer)
    location = counter_post(primary, mrz=mrz_for())["Location"]
    primary.post(location, {"decision": "refer", "note": "says tourist, carries tools"})
    referral = Referral.objects.get()
    secondary_user = make_user("secondary_officer", two_posts[0])
    secondary = session_client(secondary_user)
    queue = secondary.get("/secondary/")
    assert b"says tourist, carries tools" in queue.content
    upload = io.BytesIO(_png())
    upload.name = "page.png"
    secondary.post(f"/secondary/{referral.id}/notes/", {"text": "ticket checked", "image": upload})
    note = ReferralNote.objects.get()
    assert note.image_type == "image/png"
    assert secondary.get(f"/secondary/notes/{note.id}/image").content == _png()
    not_image = io.BytesIO(b"MZ\x90\x00 not an image")
    not_image.name = "x.exe"
    secondary.post(f"/secondary/{referral.id}/notes/", {"text": "", "image": not_image})
    assert ReferralNote.objects.count() == 1
    response = secondary.post(location, {"decision": "refuse", "reasons": ["E"], "note": "purpose not shown"})
    assert response.status_code == 302
    crossing = Crossing.objects.get()
    assert crossing.decision == "refuse" and crossing.reasons == ["E"]
    page = secondary.get(f"/travellers/{crossing.traveller_id}/")
    assert b"Entry refused" in page.content and b"Referred to secondary" in page.content
