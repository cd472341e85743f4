"""Watchlists in the application: import time of the real UN and OFAC files, screening-index build time, and the
time of a whole primary inspection with screening, beside the same inspection with the two screening checks
switched off (the baseline), measured in the same run on a fresh SQLite database.

    .venv/bin/python bench/bench_watchlists.py [--quick] [--inspections N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
import uuid
from datetime import date
from pathlib import Path

TESTDATA = Path(os.environ.get("OPENBMIS_TESTDATA", Path(__file__).resolve().parents[2] / "shared" / "testdata")) / "watchlists"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="UN list only, 50 inspections")
    parser.add_argument("--inspections", type=int, default=200)
    args = parser.parse_args()
    n = 50 if args.quick else args.inspections
    tmp = tempfile.mkdtemp(prefix="bench-watchlists-")
    os.environ["OPENBMIS_DATA_DIR"] = tmp
    os.environ["OPENBMIS_DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"
    os.environ["DJANGO_SETTINGS_MODULE"] = "openbmis.server.settings"
    import logging

    import django

    django.setup()
    logging.disable(logging.INFO)
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    from openbmis import mrz
    from openbmis.accounts import services as accounts
    from openbmis.borderposts import services as borderposts
    from openbmis.cli.watchlist import read_input
    from openbmis.inspections import checks
    from openbmis.inspections import services as inspections
    from openbmis.watchlists import matching, services

    files = [("UN Security Council", TESTDATA / "un_sc/un_consolidated_2026-02-27.xml")]
    if not args.quick:
        files.append(("OFAC SDN", TESTDATA / "ofac_sdn"))
    print(f"{'step':<44} {'seconds':>9}")
    for name, path in files:
        watchlist = services.create_watchlist("bench", name=name, owner="bench")
        file_name, content = read_input(path)
        started = time.perf_counter()
        record = services.import_now("bench", watchlist, file_name=file_name, content=content, commit=False)
        preview = time.perf_counter() - started
        started = time.perf_counter()
        record = services.commit_import("bench", record)
        commit = time.perf_counter() - started
        print(f"{name + ': preview (' + str(record.total) + ' entries)':<44} {preview:>9.2f}")
        print(f"{name + ': commit':<44} {commit:>9.2f}")
    national = services.create_watchlist("bench", name="National", owner="bench")
    services.import_now("bench", national, file_name="national-v1.csv", commit=True,
                        content=b"id,name,birth_dates\nN-1,Okonkwo Chukwuemeka,1971-05-02\nN-2,Svetlana Morozova,1983\n")
    started = time.perf_counter()
    snapshot = matching.current()
    build = time.perf_counter() - started
    print(f"{'index build (' + str(len(snapshot.persons)) + ' entries), saved':<44} {build:>9.2f}  (baseline)")
    matching.forget()  # what a newly started server or worker process finds: the saved index
    started = time.perf_counter()
    mapped = matching.current()
    assert mapped.source == "disk", mapped.source
    print(f"{'new process: saved index mapped':<44} {time.perf_counter() - started:>9.2f}"
          f"  ({build / max(time.perf_counter() - started, 1e-9):.0f}x faster than the build)")
    services.import_now("bench", national, file_name="national-v2.csv", commit=True,
                        content=b"id,name,birth_dates\nN-1,Okonkwo Chukwuemeka,1971-05-02\nN-3,Jean Habyarimana,1958\n")
    started = time.perf_counter()
    updated = matching.current()
    assert updated.source == "delta", updated.source
    print(f"{'list change (1 added, 1 removed) by delta':<44} {time.perf_counter() - started:>9.3f}")

    post = borderposts.create_border_post("bench", code="BENCH", name="Bench", kind="air", country="UTO",
                                          time_zone="UTC")
    officer = accounts.create_user("bench", username="bench-officer", password="x" * 12, validate=False)
    accounts.assign_role("bench", officer, "primary_officer", post)
    surnames = ["MWANGI", "OTIENO", "BADEGE", "PETRENKO", "HASSAN", "GARCIA", "NGUYEN", "SMITH", "ALI", "KIM"]
    given = ["PETER", "ERIC", "AMINA", "JOSE", "LINH", "JOHN", "FATUMA", "MIN", "OMAR", "GRACE"]

    def run(count: int, offset: int) -> list[float]:
        times = []
        for i in range(count):
            text = mrz.make({"format": "TD3", "document_code": "P", "issuing_state": "KEN",
                             "document_number": f"B{offset + i:07d}", "primary_identifier": surnames[i % 10],
                             "secondary_identifier": given[(i // 10) % 10], "nationality": "KEN",
                             "birth_date": date(1970 + i % 30, 1 + i % 12, 1 + i % 28), "sex": "M",
                             "expiry_date": date(2031, 1, 1), "optional_data": ""})
            started = time.perf_counter()
            inspections.start_inspection(officer, border_post=post, client_id=uuid.uuid4(), direction="entry",
                                         mrz_text=text)
            times.append((time.perf_counter() - started) * 1000)
        return times

    def describe(label: str, times: list[float]) -> None:
        ordered = sorted(times)
        p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
        print(f"{label:<44} p50 {statistics.median(times):6.1f} ms  p95 {p95:6.1f} ms  max {max(times):6.1f} ms")

    run(5, 900_000)  # warm-up
    with_screening = run(n, 0)
    saved = {code: checks.registered(code) for code in ("watchlist", "stolen_lost")}
    for code in saved:
        checks._REGISTRY.pop(code, None)
    baseline = run(n, 100_000)
    for code, checker in saved.items():
        if checker is not None:
            checks.register(code, checker)
    print()
    describe(f"inspection with screening ({n})", with_screening)
    describe(f"baseline: same, screening off ({n})", baseline)
    return 0


if __name__ == "__main__":
    sys.exit(main())
