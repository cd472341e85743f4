"""The demo library: a drawn Utopia passport model with its source, located features, and one alert."""

from __future__ import annotations

from datetime import date

import pytest
from PIL import Image

from openbmis.documents import matching
from openbmis.documents.demo import SOURCE, load_demo_library
from openbmis.documents.models import DocumentModel

pytestmark = pytest.mark.django_db


def test_demo_library(expert):
    load_demo_library(expert)
    load_demo_library(expert)  # idempotent
    model = DocumentModel.objects.get()
    assert model.source == SOURCE and "Drawn" in model.source
    assert sorted(i.light for i in model.images.all()) == ["uv", "visible"]
    with Image.open(model.images.first().file) as image:
        assert image.size == (500, 352)
    assert model.features.count() == 5
    assert all(0 <= f.x and f.x + f.width <= 1 and f.y + f.height <= 1 for f in model.features.all())
    specimen = {"issuing_state": "UTO", "document_code": "P", "document_number": "L898902C3"}
    assert [a.title for a in matching.matching_alerts(specimen, date(2026, 6, 1))] == [
        "Photo substitution in the L898 range"]
    assert matching.matching_alerts({**specimen, "document_number": "L123456C3"}, date(2026, 6, 1)) == []
