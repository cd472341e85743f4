"""A post without a document reader: the officer uploads a photo of the data page (OCR extra)."""

from __future__ import annotations

import io
import uuid

import pytest

from openbmis.inspections.models import Inspection


@pytest.fixture(scope="module")
def page_photo():
    pytest.importorskip("rapidocr", reason="the [ocr] extra is not installed")
    from openbmis.mrz import ocr_synth

    if ocr_synth.find_ocrb_font() is None:
        pytest.skip("Debian's fonts-ocr-b is not installed (apt-get install fonts-ocr-b)")
    return ocr_synth.synthesise(11, fmt="TD3")


def test_photo_of_the_data_page_starts_the_inspection(session_client, officer, page_photo):
    client = session_client(officer)
    upload = io.BytesIO(page_photo.image)
    upload.name = "page.jpg"
    response = client.post("/inspect/", {"client_id": str(uuid.uuid4()), "border_post": "TST-A",
                                         "direction": "entry", "mrz": "", "image": upload})
    assert response.status_code == 302, response.content[-2000:]
    inspection = Inspection.objects.get()
    assert inspection.mrz.replace("\n", "") == page_photo.mrz.replace("\n", "")
    assert inspection.document.number == page_photo.fields.document_number


def test_a_photo_without_an_mrz_says_so(session_client, officer, page_photo):
    from PIL import Image

    blank = io.BytesIO()
    Image.new("RGB", (600, 400), "white").save(blank, format="JPEG")
    blank.seek(0)
    blank.name = "blank.jpg"
    response = session_client(officer).post("/inspect/", {"client_id": str(uuid.uuid4()), "border_post": "TST-A",
                                                          "direction": "entry", "mrz": "", "image": blank})
    assert response.status_code == 400
    assert b"MRZ" in response.content
    assert not Inspection.objects.exists()
