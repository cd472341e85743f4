"""History made up for retention tests: crossings recorded through the services, then moved back in time."""

from __future__ import annotations

import uuid
import zoneinfo
from datetime import timedelta

import pytest
from django.utils import timezone


@pytest.fixture
def old_crossing(officer, two_posts):
    """old_crossing(text, direction, days_ago, decision="admit") -> Crossing (and its inspection) moved back."""
    from openbmis.inspections import services
    from openbmis.inspections.models import Crossing, Inspection
    from openbmis.permits import presence
    from openbmis.travellers.models import TravelDocument, Traveller

    post = two_posts[0]

    def make(text, direction="entry", days_ago=10, decision="admit"):
        started = services.start_inspection(officer, border_post=post, client_id=uuid.uuid4(),
                                            direction=direction, mrz_text=text)
        kwargs = {"reasons": ["A"]} if decision == "refuse" else {}
        crossing = services.decide(officer, started.inspection, decision=decision, note="test history", **kwargs)
        when = timezone.now() - timedelta(days=days_ago)
        local = when.astimezone(zoneinfo.ZoneInfo(post.time_zone)).date()
        Crossing.objects.filter(pk=crossing.pk).update(at=when, local_date=local)
        Inspection.objects.filter(pk=crossing.inspection_id).update(created_at=when)
        # the identity and document were first seen then too (unless seen earlier)
        Traveller.objects.filter(pk=crossing.traveller_id, created_at__gt=when).update(created_at=when)
        TravelDocument.objects.filter(pk=crossing.document_id, first_seen_at__gt=when).update(first_seen_at=when)
        presence.refresh([crossing.traveller_id])
        crossing.refresh_from_db()
        return crossing

    return make


@pytest.fixture
def auditor(make_user):
    return make_user("auditor", None, username="auditor-hq")
