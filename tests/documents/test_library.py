"""The reference library: document models, their images (content-checked) and located security features."""

from __future__ import annotations

from datetime import date

import pytest

from openbmis.audit.models import AuditEvent
from openbmis.core.errors import AccessDenied, InvalidInput
from openbmis.documents import services
from openbmis.documents.images import checked_image
from openbmis.documents.models import DocumentModel

pytestmark = pytest.mark.django_db


def test_a_model_is_saved_normalised_and_audited(expert):
    model = services.save_model(expert, issuing_state="ken", document_code="p", name="Kenya passport",
                                source="ICAO 9303 specimen")
    assert (model.issuing_state, model.document_code) == ("KEN", "P")
    event = AuditEvent.objects.get(action="documents.model_saved")
    assert event.object_id == str(model.id) and event.after["name"] == "Kenya passport"


@pytest.mark.parametrize(("fields", "field"), [
    ({"issuing_state": "K3N"}, "issuing_state"),
    ({"document_code": "PPP"}, "document_code"),
    ({"name": ""}, "name"),
    ({"source": ""}, "source"),
    ({"issued_from": date(2020, 1, 1), "issued_until": date(2019, 1, 1)}, "issued_until"),
])
def test_bad_model_fields_are_named(expert, fields, field):
    base = {"issuing_state": "KEN", "document_code": "P", "name": "x", "source": "drawn"}
    with pytest.raises(InvalidInput) as caught:
        services.save_model(expert, **{**base, **fields})
    assert caught.value.field == field
    assert not DocumentModel.objects.exists()


@pytest.mark.parametrize("role", ["primary_officer", "document_examiner", "administrator", "analyst"])
def test_only_the_national_document_expert_maintains_the_library(make_user, two_posts, role):
    user = make_user(role, None if role in {"administrator", "analyst"} else two_posts[0])
    with pytest.raises(AccessDenied):
        services.save_model(user, issuing_state="KEN", document_code="P", name="x", source="drawn")


def test_images_are_checked_by_content_not_name(image_bytes):
    ext, digest = checked_image(image_bytes(kind="JPEG"))
    assert ext == "jpg" and len(digest) == 64
    with pytest.raises(InvalidInput, match="not a readable image"):
        checked_image(b"%PDF-1.4 pretending to be a png")
    with pytest.raises(InvalidInput, match="empty"):
        checked_image(b"")
    with pytest.raises(InvalidInput, match="GIF is not accepted"):
        checked_image(image_bytes(kind="GIF"))


def test_oversized_image_is_refused(image_bytes, monkeypatch):
    from openbmis.documents import images

    monkeypatch.setattr(images, "MAX_BYTES", 100)
    with pytest.raises(InvalidInput, match="at most 100"):
        checked_image(image_bytes(size=(200, 200)))


def test_features_are_located_inside_their_image(expert, kenyan_model, image_bytes):
    page = services.add_reference_image(expert, kenyan_model, image_bytes(), light="uv")
    assert page.file.read() == image_bytes()
    feature = services.add_feature(expert, kenyan_model, kind="ovd", name="Kinegram", description="Changes colour",
                                   image=page, box=(0.1, 0.2, 0.3, 0.25))
    assert (feature.x, feature.y, feature.width, feature.height) == (0.1, 0.2, 0.3, 0.25)
    with pytest.raises(InvalidInput, match="inside the image"):
        services.add_feature(expert, kenyan_model, kind="ovd", name="x", description="y", image=page,
                             box=(0.8, 0.2, 0.3, 0.1))
    with pytest.raises(InvalidInput, match="needs the image"):
        services.add_feature(expert, kenyan_model, kind="ovd", name="x", description="y", box=(0, 0, 1, 1))
    with pytest.raises(InvalidInput, match="Unknown light"):
        services.add_reference_image(expert, kenyan_model, image_bytes(), light="xray")
