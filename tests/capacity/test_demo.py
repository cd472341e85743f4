"""The demo capacity data: loaded with the demo data set, once."""

from __future__ import annotations

from openbmis.capacity import certification
from openbmis.capacity.models import Assessment, Certificate, Equipment


def test_demo_capacity_data_loads_once_and_shows_each_status(db, fast_hasher):
    from openbmis.demo import seed

    seed.load(crossings=0)
    counts = (Assessment.objects.count(), Certificate.objects.count(), Equipment.objects.count())
    assert counts[0] == 4 and counts[1] == 4 and counts[2] == 7
    submitted = Assessment.objects.filter(border_post__code="AIR-CAP", status="submitted")
    assert submitted.count() == 2 and all(a.scores["overall"] is not None for a in submitted)
    statuses = {(r.username, r.course): r.status for r in certification.holders()}
    assert statuses[("officer", "PRIM-1")] == "valid" and statuses[("officer2", "DOC-1")] == "expiring"
    seed.load(crossings=0)
    assert (Assessment.objects.count(), Certificate.objects.count(), Equipment.objects.count()) == counts
