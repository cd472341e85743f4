"""Where each traveller is: the ``Presence`` table, kept as crossings are recorded, and rebuilt or checked
against the crossings on demand.

The overstay detection needs, for every traveller, the latest admitted crossing and, when it is an entry,
that entry's permitted last day as extended.  Computing that from the crossings means reading every
crossing ever recorded (tens of millions at a national scale) every day; keeping it costs one row write
per admitted crossing, in the same transaction, and lets the detection read only the travellers in the
country whose stay has ended (an index range).

Rules (the same in the incremental path and in the rebuild):
- only admitted crossings count (a refused entry leaves the traveller outside, a refused exit inside);
- the latest crossing wins, by time and, at the same instant, by the later recorded (ids are time-ordered);
  an older crossing that arrives late (a post that was offline) changes nothing;
- the permitted last day is the entry's, or the latest extension's when later.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date
from typing import Any
from uuid import UUID

from django.db import IntegrityError, connection, transaction
from django.db.models import Exists, OuterRef, QuerySet

from openbmis.inspections.models import Crossing
from openbmis.permits.models import Overstay, Presence

# One row per traveller from the crossings: the latest admitted crossing, and for an entry its
# permitted last day as extended.  Portable between PostgreSQL and SQLite (3.33+: window functions).
_COMPUTED_SQL = """
SELECT l.traveller_id,
       l.at AS last_at,
       l.direction = 'entry' AS in_country,
       CASE WHEN l.direction = 'entry' THEN l.id END AS entry_id,
       CASE WHEN l.direction = 'entry' THEN
            CASE WHEN x.until IS NOT NULL AND (l.permitted_until IS NULL OR x.until > l.permitted_until)
                 THEN x.until ELSE l.permitted_until END
       END AS permitted_until
FROM (SELECT traveller_id, at, direction, id, permitted_until,
             row_number() OVER (PARTITION BY traveller_id ORDER BY at DESC, id DESC) AS latest
      FROM inspections_crossing WHERE decision = 'admit' {travellers}) AS l
LEFT JOIN (SELECT entry_id, max(until) AS until FROM permits_stayextension GROUP BY entry_id) AS x
       ON x.entry_id = l.id
WHERE l.latest = 1
"""
_COLUMNS = "traveller_id, last_at, in_country, entry_id, permitted_until"


def note_crossing(crossing: Crossing) -> None:
    """Record an admitted crossing as the traveller's latest, unless a later one is already known.

    One UPDATE in the common case (the row exists and is older); an INSERT for a traveller's first
    admitted crossing.  At the same instant the crossing being recorded wins (it is the later recorded).
    """
    if crossing.decision != Crossing.Decision.ADMIT:
        return
    entering = crossing.direction == "entry"
    values = {"last_at": crossing.at, "in_country": entering, "entry_id": crossing.id if entering else None,
              "permitted_until": crossing.permitted_until if entering else None}
    mine = Presence.objects.filter(traveller_id=crossing.traveller_id)
    if mine.filter(last_at__lte=crossing.at).update(**values) or mine.exists():
        return  # moved, or a later crossing is already known (an older one arriving late changes nothing)
    try:
        with transaction.atomic():  # a savepoint: a concurrent first crossing must not abort the decision
            Presence.objects.create(traveller_id=crossing.traveller_id, **values)
    except IntegrityError:
        mine.filter(last_at__lte=crossing.at).update(**values)


def note_extension(entry: Crossing, until: date) -> None:
    """A stay was extended: the traveller may stay until ``until`` if that entry is still the current one."""
    Presence.objects.filter(traveller_id=entry.traveller_id, entry=entry, in_country=True).exclude(
        permitted_until__gte=until).update(permitted_until=until)


def refresh(traveller_ids: Iterable[UUID | str]) -> None:
    """Recompute the rows of some travellers from their crossings (after a merge or a split moved them)."""
    ids = [str(value) for value in traveller_ids]
    if not ids:
        return
    with transaction.atomic():
        Presence.objects.filter(traveller_id__in=ids).delete()
        _insert_computed(Crossing.objects.filter(traveller_id__in=ids).order_by().values("traveller_id").distinct())


def rebuild() -> int:
    """Recompute the whole table from the crossings, in one transaction; returns the rows written."""
    with transaction.atomic():
        Presence.objects.all().delete()
        _insert_computed(None)
        return Presence.objects.count()


def _insert_computed(traveller_ids: Any) -> None:
    params: list[Any] = []
    where = ""
    if traveller_ids is not None:
        # Let the ORM write the id list in the column's own format (uuid on PostgreSQL, hex on SQLite).
        inner, params = traveller_ids.query.sql_with_params()
        where = f"AND traveller_id IN ({inner})"
    sql = f"INSERT INTO permits_presence ({_COLUMNS}) " + _COMPUTED_SQL.format(travellers=where)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL work_mem = '256MB'")
        cursor.execute(sql, params)


def differences() -> tuple[int, int]:
    """(rows the crossings imply that the table lacks or has otherwise, rows the table has in excess).

    Both are 0 when the table is right.  Reads every admitted crossing: a check for operators, not a job.
    """
    # Constant SQL text only: no value from outside is formatted in.
    kept = f"SELECT {_COLUMNS} FROM permits_presence"  # noqa: S608
    computed = _COMPUTED_SQL.format(travellers="")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM ({computed} EXCEPT {kept}) AS missing")  # noqa: S608
        (missing,) = cursor.fetchone()
        cursor.execute(f"SELECT count(*) FROM ({kept} EXCEPT {computed}) AS extra")  # noqa: S608
        (extra,) = cursor.fetchone()
    return int(missing), int(extra)


ENTRY_FIELDS = ("id", "traveller_id", "at", "permitted_until", "local_date", "time_zone", "border_post_id",
                "nationality")


def in_country_count() -> int:
    return Presence.objects.filter(in_country=True).count()


def expired(threshold: date) -> QuerySet[Presence]:
    """The travellers in the country whose permitted last day is before ``threshold`` (an index range)."""
    return Presence.objects.filter(in_country=True, permitted_until__lt=threshold)


def overstay_candidates(threshold: date) -> Iterator[dict[str, Any]]:
    """The current entries of the travellers in the country whose permitted last day is before
    ``threshold`` and that are not already open overstays, each as a dict of ENTRY_FIELDS with
    ``permitted_until`` as extended."""
    # NOT EXISTS, not NOT IN: the database can run it as an anti-join whatever the sizes.
    already = Overstay.objects.filter(status=Overstay.Status.OPEN, entry_id=OuterRef("entry_id"))
    rows = (expired(threshold).filter(~Exists(already))
            .values("permitted_until", *(f"entry__{name}" for name in ENTRY_FIELDS if name != "permitted_until")))
    for row in rows.iterator(chunk_size=5000):
        entry = {name: row[f"entry__{name}"] for name in ENTRY_FIELDS if name != "permitted_until"}
        entry["permitted_until"] = row["permitted_until"]
        yield entry


def no_longer_expired(threshold: date) -> QuerySet[Overstay]:
    """Open overstays whose entry is no longer a current, expired one (the traveller left, came back,
    or the stay was extended)."""
    still = expired(threshold).filter(entry_id=OuterRef("entry_id"))
    return Overstay.objects.filter(status=Overstay.Status.OPEN).filter(~Exists(still))
