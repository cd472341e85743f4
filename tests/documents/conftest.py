from __future__ import annotations

import io
from datetime import date

import pytest
from PIL import Image


@pytest.fixture
def officer(make_user, two_posts):
    return make_user("primary_officer", two_posts[0], username="amina-officer")


@pytest.fixture
def expert(make_user, db):
    return make_user("document_expert", None, username="dora-expert")


@pytest.fixture
def examiner(make_user, two_posts):
    return make_user("document_examiner", two_posts[0], username="eli-examiner")


def png(color: str = "red", size: tuple[int, int] = (40, 30), kind: str = "PNG") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, kind)
    return out.getvalue()


@pytest.fixture
def image_bytes():
    return png


@pytest.fixture
def kenyan_model(expert):
    from openbmis.documents import services

    return services.save_model(expert, issuing_state="KEN", document_code="P", name="Kenya e-passport 2019",
                               series="X", issued_from=date(2019, 9, 1), validity_years=10,
                               source="drawn for the tests")


@pytest.fixture
def referred_inspection(inspect, decide, mrz_for):
    from openbmis.inspections.models import Inspection

    data = inspect(mrz=mrz_for()).json()
    assert decide(data["id"], decision="refer", note="check the document").status_code == 200
    return Inspection.objects.get(id=data["id"])
