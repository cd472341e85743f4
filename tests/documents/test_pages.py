"""The library pages and the image views: served only through permission checks, never as static files."""

from __future__ import annotations

from datetime import date

import pytest

from openbmis.documents import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def page_image(expert, kenyan_model, image_bytes):
    image = services.add_reference_image(expert, kenyan_model, image_bytes("green"), light="uv")
    services.add_feature(expert, kenyan_model, kind="ovd", name="Kinegram", description="Shifts colour",
                         image=image, box=(0.1, 0.1, 0.2, 0.2))
    return image


def test_search_and_model_page(officer, session_client, kenyan_model, page_image, expert):
    services.publish_alert(expert, model=kenyan_model, title="Counterfeit X12", description="d", detection="UV",
                           valid_from=date(2020, 1, 1))
    client = session_client(officer)
    found = client.get("/documents/?issuing_state=ken&document_code=P").content.decode()
    assert "Kenya e-passport 2019" in found and "Counterfeit X12" in found
    assert "No document model matches" in client.get("/documents/?issuing_state=UGA").content.decode()
    detail = client.get(f"/documents/models/{kenyan_model.id}/").content.decode()
    assert "Kinegram" in detail and f"/documents/images/reference/{page_image.id}" in detail
    assert "Counterfeit X12" in detail
    response = client.get(f"/documents/images/reference/{page_image.id}")
    assert response.status_code == 200 and b"".join(response.streaming_content) == page_image.file.open().read()
    assert response["Cache-Control"] == "private, no-store"


def test_reference_images_need_the_library_permission(make_user, session_client, page_image, client):
    assert client.get(f"/documents/images/reference/{page_image.id}").status_code == 302  # to the login
    analyst = session_client(make_user("analyst", None))
    assert analyst.get(f"/documents/images/reference/{page_image.id}").status_code == 403


def test_examination_images_only_to_examiners_of_the_post(examiner, make_user, two_posts, session_client,
                                                         referred_inspection, image_bytes, expert):
    examination = services.record_examination(examiner, referred_inspection, verdict="counterfeit",
                                              disposition="retained", findings=[{"feature": "print", "finding": "x"}],
                                              images=[(image_bytes(), "uv", "reader")])
    url = f"/documents/images/examination/{examination.images.get().id}"
    assert session_client(examiner).get(url).status_code == 200
    for user in (expert, make_user("document_examiner", two_posts[1]), make_user("primary_officer", two_posts[0])):
        assert session_client(user).get(url).status_code == 403


def test_the_inspection_page_shows_the_alert_with_its_image_and_links_the_library(
        expert, kenyan_model, image_bytes, inspect, officer, session_client, mrz_for):
    alert = services.publish_alert(expert, model=kenyan_model, title="Counterfeit X12", description="Offset print",
                                   detection="No UV pattern", severity="fail", valid_from=date(2020, 1, 1),
                                   images=[(image_bytes("blue"), "under UV", "uv")])
    data = inspect(mrz=mrz_for(document_number="X1234567")).json()
    page = session_client(officer).get(f"/inspect/{data['id']}/").content.decode()
    assert "Counterfeit X12" in page and "No UV pattern" in page
    assert f"/documents/images/alert/{alert.images.get().id}" in page
    assert "/documents/?issuing_state=KEN&amp;document_code=P" in page


def test_examination_form_records_photo_substitution_with_images(examiner, session_client, referred_inspection,
                                                                 image_bytes, make_user, two_posts):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = session_client(examiner)
    url = f"/documents/examine/{referred_inspection.id}/"
    assert "examination-form" in client.get(url).content.decode()
    response = client.post(url, {
        "verdict": "forged_photo", "findings": "photo: re-laminated\nUV mark: broken over the photo",
        "disposition": "retained", "source": "reader",
        "visible": SimpleUploadedFile("v.png", image_bytes("white")),
        "uv": SimpleUploadedFile("u.png", image_bytes("purple")),
    })
    assert response.status_code == 302, response.content.decode()[-500:]
    examination = referred_inspection.examinations.get()
    assert examination.verdict == "forged_photo" and examination.findings[1] == {
        "feature": "UV mark", "finding": "broken over the photo"}
    assert sorted(i.light for i in examination.images.all()) == ["uv", "visible"]
    bad = client.post(url, {"verdict": "genuine", "findings": "MRZ: ok", "disposition": "returned",
                            "source": "upload", "uv": SimpleUploadedFile("u.png", b"not an image")})
    assert bad.status_code == 200 and "not a readable image" in bad.content.decode()
    other = session_client(make_user("document_examiner", two_posts[1]))
    assert other.get(url).status_code == 403
