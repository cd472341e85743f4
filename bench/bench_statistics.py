"""Benchmark: each statistics dashboard panel from the roll-ups, beside a plain GROUP BY over the raw crossings.

In its own PostgreSQL database (``openbmis_bench_stats``, kept between runs) it writes N synthetic
crossings over D days with one ``INSERT ... SELECT ... generate_series`` (realistic weights for posts,
citizenships, purposes, modes, sex, birth years, about 0.6 % refusals). To write them that way it drops
the crossing table's foreign keys and the one-crossing-per-inspection constraint *in that throwaway
database only*: statistics read none of the rows those keys point to. Then it times

* the full rebuild of the roll-ups, and the consistency check;
* every dashboard panel (period: the last 30 days, and the whole span), median of 3, from the roll-ups
  as the dashboard runs it, beside the same figures by GROUP BY over ``inspections_crossing``;
* the monthly PDF report (national and one section per post).

Targets (issue 8): every panel under 300 ms and the monthly PDF under 30 s, with 10,000,000 crossings.

    .venv/bin/python bench/bench_statistics.py                      # 1,000,000 crossings over 365 days
    .venv/bin/python bench/bench_statistics.py --crossings 10000000 # the issue's size (about an hour here)
    .venv/bin/python bench/bench_statistics.py --quick              # 100,000 over 120 days
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from typing import Any

PG_SERVER = "postgres://postgres@127.0.0.1:5432/"
DB_NAME = "openbmis_bench_stats"
END = date(2026, 11, 28)


def ensure_database() -> None:
    import psycopg

    with psycopg.connect(PG_SERVER + "postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DB_NAME]).fetchone():
            conn.execute(f'CREATE DATABASE "{DB_NAME}"')


def setup(crossings: int, days: int) -> None:
    os.environ["OPENBMIS_DATABASE_URL"] = PG_SERVER + DB_NAME
    os.environ.setdefault("OPENBMIS_DATA_DIR", tempfile.mkdtemp(prefix="bench-stats-"))
    os.environ["DJANGO_SETTINGS_MODULE"] = "openbmis.server.settings"
    import logging

    import django

    django.setup()
    logging.getLogger("openbmis").setLevel(logging.WARNING)
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    from openbmis.borderposts.models import BorderPost
    from openbmis.demo import seed

    seed.load(crossings=0) if not BorderPost.objects.filter(code="AIR-CAP").exists() else None
    from django.db import connection

    from openbmis.inspections.models import Crossing

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*), min(local_date), max(local_date) FROM inspections_crossing")
        have, first, last = cursor.fetchone()
    if have == crossings and first == END - timedelta(days=days - 1) and last == END:
        print(f"reusing {have:,} crossings over {days} days")
        return
    generate(crossings, days)
    assert Crossing.objects.count() == crossings


def generate(crossings: int, days: int) -> None:
    from django.db import connection, transaction

    from openbmis.accounts.models import User
    from openbmis.borderposts.models import BorderPost
    from openbmis.demo.crossings import POST_WEIGHTS, PURPOSES
    from openbmis.demo.people import NATIONALITIES

    posts = dict(BorderPost.objects.filter(code__in=POST_WEIGHTS).values_list("code", "id"))
    post_array = [str(posts[code]) for code, weight in POST_WEIGHTS.items() for _ in range(weight)]
    nat_array = [code for code, spec in NATIONALITIES.items() for _ in range(spec[0])]
    purpose_array = [code for code, weight in PURPOSES for _ in range(weight)]
    officer = User.objects.order_by("date_joined").first()
    assert officer is not None
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("""
            SELECT conname FROM pg_constraint WHERE conrelid = 'inspections_crossing'::regclass
            AND contype IN ('f', 'u')""")
        for (name,) in cursor.fetchall():
            cursor.execute(f'ALTER TABLE inspections_crossing DROP CONSTRAINT "{name}"')
        cursor.execute("TRUNCATE inspections_crossing CASCADE")  # and what refers to it, in this database
        cursor.execute("""
            INSERT INTO inspections_crossing (id, inspection_id, traveller_id, document_id, border_post_id,
                lane_code, direction, decision, reasons, note, officer_id, at, time_zone, local_date,
                permitted_until, purpose, travel_mode, transport_id, nationality, sex, birth_date,
                document_code, flags)
            SELECT
                (lpad(to_hex(1760000000000 + g), 12, '0') || '7000' || '8' || lpad(to_hex(g), 15, '0'))::uuid,
                md5('i' || g)::uuid, md5('t' || (g %% 300000))::uuid, md5('d' || (g %% 300000))::uuid,
                (%(posts)s::uuid[])[1 + (hashint(g, 1) %% cardinality(%(posts)s::uuid[]))],
                '', CASE WHEN g %% 2 = 0 THEN 'entry' ELSE 'exit' END,
                CASE WHEN g %% 2 = 0 AND hashint(g, 2) %% 1000 < 6 THEN 'refuse' ELSE 'admit' END,
                CASE WHEN g %% 2 = 0 AND hashint(g, 2) %% 1000 < 6
                     THEN jsonb_build_array((ARRAY['A','B','C','E','G','I'])[1 + hashint(g, 3) %% 6]) ELSE '[]' END,
                '', %(officer)s,
                (%(end)s::date - (g %% %(days)s)) + make_interval(secs => hashint(g, 4) %% 86400),
                'Africa/Nairobi', %(end)s::date - (g %% %(days)s), NULL,
                (%(purposes)s::text[])[1 + hashint(g, 5) %% cardinality(%(purposes)s::text[])],
                (ARRAY['air','air','air','car','bus','foot','truck','sea','rail'])[1 + hashint(g, 6) %% 9],
                '', (%(nats)s::text[])[1 + hashint(g, 7) %% cardinality(%(nats)s::text[])],
                CASE WHEN hashint(g, 8) %% 2 = 0 THEN 'F' ELSE 'M' END,
                make_date(1945 + hashint(g, 9) %% 76, 1 + hashint(g, 10) %% 12, 1 + hashint(g, 11) %% 28),
                'P', '[]'
            FROM generate_series(1, %(n)s) AS g
        """.replace("hashint(g, ", "mod_hash(g, "), {
            "posts": post_array, "officer": officer.pk, "end": END, "days": days, "purposes": purpose_array,
            "nats": nat_array, "n": crossings})
        cursor.execute("ANALYZE inspections_crossing")
    print(f"generated {crossings:,} crossings over {days} days in {time.perf_counter() - started:.1f} s")


HASH_FUNCTION = """
CREATE OR REPLACE FUNCTION mod_hash(g bigint, salt int) RETURNS int LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
$$ SELECT abs(hashtextextended(g::text, salt)::bigint %% 2147483647)::int $$
"""


def timed(function: Any, repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def raw_panel(panel: Any, filters: Any) -> Any:
    """The panel's figures by GROUP BY over the raw crossings (what the dashboard would do without roll-ups)."""
    from django.db import connection
    from django.db.models import Count, F, Q
    from django.db.models.functions import TruncWeek

    from openbmis.inspections.models import Crossing
    from openbmis.statistics import services

    rows = Crossing.objects.filter(local_date__gte=filters.start, local_date__lte=filters.end)
    if panel.kind == "refusals":
        with connection.cursor() as cursor:
            cursor.execute("""SELECT r, count(*) FROM inspections_crossing, jsonb_array_elements_text(reasons) r
                WHERE decision = 'refuse' AND local_date BETWEEN %s AND %s GROUP BY r""", [filters.start, filters.end])
            return cursor.fetchall()
    if panel.kind != "flows":
        return None
    fields = {"time": {"k": TruncWeek("local_date")}, "border_post": {"k": F("border_post__code")},
              "nationality": {"k": F("nationality")}, "purpose": {"k": F("purpose")},
              "residence": {"k": F("purpose")}, "travel_mode": {"k": F("travel_mode")}}
    if panel.name == "sex_age":
        case, diff = services.age_group_expression()
        rows = rows.annotate(age_diff=diff)
        values: dict[str, Any] = {"k": case, "s": F("sex")}
    else:
        values = fields[panel.name]
    return list(rows.values(**values).annotate(
        entries=Count("id", filter=Q(direction="entry", decision="admit")),
        exits=Count("id", filter=Q(direction="exit", decision="admit")),
        refusals=Count("id", filter=Q(decision="refuse"))).order_by())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--crossings", type=int, default=1_000_000)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--quick", action="store_true", help="100,000 crossings over 120 days")
    args = parser.parse_args()
    if args.quick:
        args.crossings, args.days = 100_000, 120
    try:
        ensure_database()
    except Exception as exc:  # noqa: BLE001 - no server: say so and stop
        print(f"PostgreSQL not reachable at {PG_SERVER}: {exc}")
        return 0
    os.environ["OPENBMIS_DATABASE_URL"] = PG_SERVER + DB_NAME
    import psycopg

    with psycopg.connect(PG_SERVER + DB_NAME, autocommit=True) as conn:
        conn.execute(HASH_FUNCTION.replace("%%", "%"))
    setup(args.crossings, args.days)

    from openbmis.accounts.models import User
    from openbmis.statistics import panels, queries, reports, services

    started = time.perf_counter()
    services.rebuild("bench")
    rebuild_s = time.perf_counter() - started
    started = time.perf_counter()
    report = services.check()
    check_s = time.perf_counter() - started
    from openbmis.statistics.models import FlowCount, FlowDay

    print(f"rebuild: {rebuild_s:.1f} s ({FlowCount.objects.count():,} FlowCount rows, "
          f"{FlowDay.objects.count():,} FlowDay rows); check: {check_s:.1f} s, consistent: {report.ok}")
    analyst = User.objects.get(username="analyst")
    periods = {"last 30 days": (END - timedelta(days=29), END),
               f"whole span ({args.days} days)": (END - timedelta(days=args.days - 1), END)}
    worst = 0.0
    for label, (start, end) in periods.items():
        filters = queries.parse_filters(analyst, {"from": start.isoformat(), "to": end.isoformat()})
        print(f"\npanel times, {label}, median of 3 (ms): roll-up vs GROUP BY over raw crossings")
        print(f"  {'panel':<14} {'roll-up':>9} {'raw':>10} {'speed-up':>9}")
        for name, panel in panels.available().items():
            interval = "week" if name == "time" else "day"
            rolled = timed(lambda p=panel, f=filters, i=interval: panels.panel_table(p, f, i))
            worst = max(worst, rolled)
            raw_ms = timed(lambda p=panel, f=filters: raw_panel(p, f), repeat=1) \
                if raw_panel(panel, filters.shifted(end, end)) is not None else None
            raw_text = f"{raw_ms:10.1f}" if raw_ms is not None else f"{'n/a':>10}"
            ratio = f"{raw_ms / rolled:8.0f}x" if raw_ms else f"{'':>9}"
            print(f"  {name:<14} {rolled:9.1f} {raw_text} {ratio}")
        comparison = timed(lambda f=filters: queries.comparison(f))
        print(f"  {'comparisons':<14} {comparison:9.1f}")
    month = (END.replace(day=1) - timedelta(days=1)).replace(day=1)
    started = time.perf_counter()
    pdf, _filters = reports.generate(analyst, month, None)
    pdf_s = time.perf_counter() - started
    print(f"\nmonthly PDF {month:%Y-%m} (national + {len(panels.available())} panels, one section per post): "
          f"{pdf_s:.1f} s, {len(pdf):,} bytes")
    print(f"slowest panel: {worst:.1f} ms (target < 300 ms); PDF {pdf_s:.1f} s (target < 30 s); "
          f"crossings: {args.crossings:,}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
