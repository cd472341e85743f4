"""Manifests (and their passengers) go OPENBMIS_MANIFEST_RETENTION_DAYS after receipt."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from .helpers import manifest_text

pytestmark = pytest.mark.django_db


def test_old_manifests_go_with_their_passengers_recent_ones_stay(airport, carrier, passengers):
    from openbmis.core import retention
    from openbmis.manifests import services
    from openbmis.manifests.models import Manifest, ManifestPerson

    old = services.ingest("test", manifest_text(passengers, flight="UA100"), source="cli").manifests[0]
    new = services.ingest("test", manifest_text(passengers, flight="UA200", reference="2"), source="cli").manifests[0]
    Manifest.objects.filter(pk=old.pk).update(received_at=timezone.now() - timedelta(days=91))
    report = {r.rule.name: {row["what"]: row["count"] for row in r.rows} for r in retention.report()}
    assert report["manifests"] == {"manifests": 1, "manifest passengers": 3}
    counts = retention.purge()
    assert counts["manifests"] == {"manifests": 1, "manifest passengers": 3}
    assert list(Manifest.objects.values_list("pk", flat=True)) == [new.pk]
    assert ManifestPerson.objects.filter(manifest=new).count() == 3 and ManifestPerson.objects.count() == 3
