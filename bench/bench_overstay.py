"""Benchmark: the overstay detection job on PostgreSQL, beside a plain full scan of the crossings table.

A seeded generator fills a dedicated database (kept between runs, rebuilt when the sizes change) with
T travellers and about C crossings: each traveller alternates entries and exits 50 days apart, over the
last years; about 15% end with an entry (in the country), their last entry 0-120 days ago with 90 days
permitted, so roughly a quarter of those are overstaying.  The rows are written by SQL
(``INSERT ... SELECT generate_series``) for speed; the crossings' inspection and document references are
not materialised (the job never reads them: foreign-key triggers are off during the load only).

It then times, in the same run:

* baseline: ``SELECT count(*)`` over the crossings with a forced sequential scan (the cost of reading
  the table once);
* the job, first run (opens every overstay: bulk inserts) and steady run (nothing new: the daily case),
  with the Python process's peak traced memory and peak RSS.  The job reads the presence table (each
  traveller's latest admitted crossing, kept as crossings are recorded), not the crossings;
* what that table costs: its full rebuild from the crossings (after a bulk load, or by
  ``openbmis overstays rebuild``), and the per-crossing write the decision path adds (``note_crossing``
  on 2,000 recorded crossings).

Target (issue 7): 1,000,000 travellers and 10,000,000 crossings under 60 s and within 3x the scan.

    .venv/bin/python bench/bench_overstay.py                                  # full size
    .venv/bin/python bench/bench_overstay.py --travellers 100000 --crossings 1000000
    .venv/bin/python bench/bench_overstay.py --quick                          # 20,000 / 200,000
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/openbmis_bench_overstay"


def setup(url: str) -> None:
    os.environ["OPENBMIS_DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openbmis.server.settings")
    import psycopg

    admin_url = url.rsplit("/", 1)[0] + "/postgres"
    name = url.rsplit("/", 1)[1]
    with psycopg.connect(admin_url, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)


GENERATE_TRAVELLERS = """
INSERT INTO travellers_traveller (id, primary_identifier, secondary_identifier, birth_date, nationality, sex,
                                  created_at)
SELECT gen_random_uuid(), 'BENCH' || t, 'T', date '1950-01-01' + ((t * 7919 + %(seed)s) %% 20000)::int,
       (ARRAY['KEN','UGA','TZA','FRA','DEU','IND','CHN','USA','GBR','NGA'])[1 + (t * 31 + %(seed)s) %% 10],
       CASE WHEN t %% 2 = 0 THEN 'F' ELSE 'M' END, now()
FROM generate_series(0::bigint, %(travellers)s - 1) AS t
"""
# Crossing j of traveller t (j = 0 entry, 1 exit, ...): k_t crossings, k_t odd for ~15% (in the country).
# The last crossing is 0-120 days ago; earlier ones 50 days apart.
GENERATE_CROSSINGS = """
INSERT INTO inspections_crossing (id, inspection_id, traveller_id, document_id, border_post_id, lane_code,
    direction, decision, reasons, note, officer_id, at, time_zone, local_date, permitted_until, purpose,
    travel_mode, transport_id, nationality, sex, birth_date, document_code, flags)
SELECT gen_random_uuid(), gen_random_uuid(), tr.id, gen_random_uuid(), %(post)s, '',
       CASE WHEN g.j %% 2 = 0 THEN 'entry' ELSE 'exit' END, 'admit', '[]', '', %(officer)s, g.at,
       'Africa/Nairobi', (g.at AT TIME ZONE 'Africa/Nairobi')::date,
       CASE WHEN g.j %% 2 = 0 THEN (g.at AT TIME ZONE 'Africa/Nairobi')::date + 89 END,
       '', '', '', tr.nationality, tr.sex, tr.birth_date, 'P', '[]'
FROM (
  SELECT t.n AS t, j, k,
         now() - make_interval(days => ((t.n * 48271 + %(seed)s) %% 121)::int + (k - 1 - j) * 50,
                               mins => ((t.n * 16807 + j) %% 1440)::int) AS at
  FROM (SELECT n, CASE WHEN (n * 69621 + %(seed)s) %% 100 < 15 THEN %(per)s - 1 ELSE %(per)s END AS k
        FROM generate_series(0::bigint, %(travellers)s - 1) AS n) AS t
  CROSS JOIN LATERAL generate_series(0, t.k - 1) AS j
) AS g
JOIN (SELECT id, nationality, sex, birth_date, row_number() OVER (ORDER BY primary_identifier) - 1 AS n
      FROM travellers_traveller WHERE primary_identifier LIKE 'BENCH%%') AS tr ON tr.n = g.t
"""


def generate(travellers: int, crossings: int, seed: int) -> None:
    from django.db import connection

    from openbmis.borderposts import services as posts
    from openbmis.borderposts.models import BorderPost
    from openbmis.inspections.models import Crossing

    have_t = connection.cursor()
    have_t.execute("SELECT count(*) FROM travellers_traveller WHERE primary_identifier LIKE 'BENCH%%'")
    (existing_t,) = have_t.fetchone()
    existing_c = Crossing.objects.count()
    per = max(2, round(crossings / travellers / 0.985 + 0.15)) if travellers else 2
    if existing_t == travellers and abs(existing_c - crossings) <= crossings * 0.05:
        print(f"reusing {existing_t:,} travellers and {existing_c:,} crossings", flush=True)
        return
    print(f"generating {travellers:,} travellers and about {crossings:,} crossings (seed {seed}) ...", flush=True)
    started = time.perf_counter()
    post = BorderPost.objects.filter(code="BENCH").first() or posts.create_border_post(
        "bench", code="BENCH", name="Bench post", kind="air", country="UTO", time_zone="Africa/Nairobi")
    from openbmis.accounts import services as accounts
    from openbmis.accounts.models import User

    officer = User.objects.filter(username="bench-officer").first() or accounts.create_user(
        "bench", username="bench-officer", password="bench-password-1", validate=False)
    from django.db import transaction

    # One transaction: a failed load leaves the database (and its indexes) as it was.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("TRUNCATE permits_overstay, permits_stayextension, permits_visause, permits_entryban")
        cursor.execute("SET session_replication_role = replica")  # no FK triggers during the load
        cursor.execute("DELETE FROM inspections_crossing")
        cursor.execute("DELETE FROM travellers_traveller WHERE primary_identifier LIKE 'BENCH%%'")
        cursor.execute("""SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'inspections_crossing'
                          AND indexname NOT IN (SELECT conname FROM pg_constraint)""")
        indexes = cursor.fetchall()
        for name, _definition in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
        cursor.execute(GENERATE_TRAVELLERS, {"seed": seed, "travellers": travellers})
        print(f"  travellers: {time.perf_counter() - started:.0f} s", flush=True)
        cursor.execute(GENERATE_CROSSINGS, {"seed": seed, "travellers": travellers, "per": per,
                                            "post": post.id, "officer": officer.pk})
        print(f"  crossings: {time.perf_counter() - started:.0f} s", flush=True)
        for _name, definition in indexes:
            cursor.execute(definition)
        cursor.execute("SET session_replication_role = origin")
        print(f"  indexes: {time.perf_counter() - started:.0f} s", flush=True)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE inspections_crossing")
        cursor.execute("VACUUM ANALYZE travellers_traveller")
    print(f"generated in {time.perf_counter() - started:.0f} s: {Crossing.objects.count():,} crossings", flush=True)


def rebuild_presence() -> float:
    """Recompute the presence table from the crossings, as after any bulk load; returns seconds."""
    from django.db import connection

    from openbmis.permits import presence

    started = time.perf_counter()
    presence.rebuild()
    elapsed = time.perf_counter() - started
    with connection.cursor() as cursor:
        # What autovacuum does soon after on a live server: the rebuild replaced every row.
        cursor.execute("VACUUM ANALYZE permits_presence")
    return elapsed


def write_path(samples: int = 2000) -> float:
    """Mean seconds of the presence write that each admitted crossing adds to the decision transaction."""
    from django.db import transaction

    from openbmis.inspections.models import Crossing
    from openbmis.permits import presence
    from openbmis.permits.models import Presence

    ids = list(Presence.objects.order_by("last_at").values_list("traveller_id", flat=True)[:samples])
    latest = [Crossing.objects.filter(traveller_id=t, decision="admit").order_by("-at").first() for t in ids]
    # Inside one transaction, as in the decision path (whose commit is paid anyway); the same crossing
    # again is the same write with no change of state.
    with transaction.atomic():
        started = time.perf_counter()
        for crossing in latest:
            if crossing is not None:
                presence.note_crossing(crossing)
        return (time.perf_counter() - started) / max(1, len(latest))


def full_scan() -> float:
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        for setting in ("enable_indexscan", "enable_indexonlyscan", "enable_bitmapscan"):
            cursor.execute(f"SET LOCAL {setting} = off")
        started = time.perf_counter()
        cursor.execute("SELECT count(*) FROM inspections_crossing")
        cursor.fetchone()
        return time.perf_counter() - started


def run_job(trace: bool = False) -> tuple[float, int, dict[str, object]]:
    """Time one run; with ``trace``, measure its peak Python memory instead (tracemalloc slows it down)."""
    from openbmis.permits import services

    if trace:
        tracemalloc.start()
    started = time.perf_counter()
    report = services.detect_overstays(actor="bench")
    elapsed = time.perf_counter() - started
    peak = 0
    if trace:
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    return elapsed, peak, report.as_dict()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--travellers", type=int, default=1_000_000)
    parser.add_argument("--crossings", type=int, default=10_000_000)
    parser.add_argument("--quick", action="store_true", help="20,000 travellers, 200,000 crossings")
    parser.add_argument("--seed", type=int, default=4242)
    parser.add_argument("--database", default=DEFAULT_URL)
    args = parser.parse_args()
    if args.quick:
        args.travellers, args.crossings = 20_000, 200_000
    setup(args.database)
    generate(args.travellers, args.crossings, args.seed)
    from django.db import connection

    from openbmis.permits.models import Overstay

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_size_pretty(pg_table_size('inspections_crossing')), count(*) FROM inspections_crossing")
        size, rows = cursor.fetchone()
    Overstay.objects.all().delete()
    rebuild = rebuild_presence()
    write = write_path()
    full_scan()  # warm the cache the same way for both
    scans = [full_scan() for _ in range(3)]
    scan = min(scans)
    first, _none, first_report = run_job()
    steady, _none, _steady_report = run_job()
    Overstay.objects.all().delete()
    _traced, first_peak, _report = run_job(trace=True)
    _traced, steady_peak, _report = run_job(trace=True)
    scan_after = min(full_scan() for _ in range(2))
    scan = min(scan, scan_after)
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print()
    print(f"crossings: {rows:,} ({size}), travellers in the country: {first_report['in_country']:,}, "
          f"overstaying: {first_report['overstaying']:,}")
    print(f"{'baseline: full scan (seq scan count)':44} {scan:8.2f} s")
    print(f"{'overstay job, first run (opens all)':44} {first:8.2f} s  x{first / scan:.2f} of the scan  "
          f"peak traced {first_peak / 2**20:.0f} MiB (separate run)")
    print(f"{'overstay job, steady run (daily case)':44} {steady:8.2f} s  x{steady / scan:.2f} of the scan  "
          f"peak traced {steady_peak / 2**20:.0f} MiB (separate run)")
    print(f"{'process peak RSS':44} {rss_mb:8.0f} MiB")
    print(f"{'presence table: full rebuild from crossings':44} {rebuild:8.2f} s  x{rebuild / scan:.2f} of the scan "
          "(after a bulk load only)")
    print(f"{'presence table: write per admitted crossing':44} {write * 1000:8.2f} ms (in the decision transaction)")
    target = "met" if steady < 60 and steady <= 3 * scan else "NOT met"
    print(f"target (< 60 s and <= 3x the scan, steady run): {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
