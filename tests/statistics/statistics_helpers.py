"""Independent computations the statistics tests compare the roll-ups with."""

from __future__ import annotations

from datetime import UTC, datetime

# A fixed "now" keeps the generated traffic (and so every expected count) the same on each run.
NOW = datetime(2026, 3, 15, 12, 0, tzinfo=UTC)


def raw_flows(filters, key=None):
    """Independent count over the raw crossings, in Python: {key value: (entries, exits, refusals)}."""
    from openbmis.inspections.models import Crossing

    result: dict = {}
    rows = Crossing.objects.filter(local_date__gte=filters.start, local_date__lte=filters.end)
    if filters.posts:
        rows = rows.filter(border_post__in=[p.id for p in filters.posts])
    for c in rows.select_related("border_post"):
        if filters.direction and c.direction != filters.direction:
            continue
        if filters.nationalities and c.nationality not in filters.nationalities:
            continue
        if filters.document_code and c.document_code != filters.document_code:
            continue
        k = key(c) if key else None
        entries, exits, refusals = result.get(k, (0, 0, 0))
        if c.decision == "refuse":
            refusals += 1
        elif c.direction == "entry":
            entries += 1
        else:
            exits += 1
        result[k] = (entries, exits, refusals)
    return result


def age_on(birth, day) -> str:
    """Age group on ``day`` computed with date arithmetic (not the SQL of the roll-up)."""
    if birth is None or birth > day:
        return "unknown"
    age = day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))
    for low, name in ((65, "65+"), (55, "55-64"), (45, "45-54"), (35, "35-44"), (25, "25-34"), (15, "15-24")):
        if age >= low:
            return name
    return "0-14"
