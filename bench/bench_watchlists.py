"""Watchlists in the application: import time of the real UN and OFAC files and of a synthetic stolen-document
list (beside reading the same file alone), screening-index build time, and the
time of a whole primary inspection with screening, beside the same inspection with the two screening checks
switched off (the baseline), measured in the same run on a fresh SQLite database.

    .venv/bin/python bench/bench_watchlists.py [--quick] [--inspections N] [--documents ROWS]
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
    parser.add_argument("--documents", type=int, default=None,
                        help="rows of the synthetic stolen-document list (default 200,000; --quick 20,000)")
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
    print()
    # last, so that the figures above stay comparable with the runs before this step was added
    document_import(services, args.documents or (20_000 if args.quick else 200_000))
    return 0


def document_import(services, rows: int) -> None:  # noqa: ANN001 (the app's services module, imported late)
    """A synthetic stolen and lost document list (the SLTD export's columns) imported through the services: each
    row's number and listed row are sealed, indexed twice (exact, look-alike) and fingerprinted under the key.
    The baseline, in the same run: reading the same file alone (parsing and checking every row)."""
    from openbmis.watchlists import records

    states = ["KEN", "UGA", "TZA", "RWA", "ETH", "SOM", "SSD", "COD"]
    lines = ["id,issuing_state,number,status,document_type,reported_on,remarks"]
    lines += [f"SLTD-{i},{states[i % 8]},{chr(65 + i % 26)}{i:08d},{'stolen' if i % 3 else 'lost'},P,"
              f"2025-{1 + i % 12:02d}-{1 + i % 28:02d}," for i in range(rows)]
    content = ("\n".join(lines) + "\n").encode()
    started = time.perf_counter()
    parsed = records.read_documents("sltd.csv", content)
    read = time.perf_counter() - started
    assert len(parsed.records) == rows and not parsed.errors, parsed.errors[:3]
    listed = services.create_watchlist("bench", name="Stolen and lost documents", owner="bench", kind="documents")
    started = time.perf_counter()
    record = services.import_now("bench", listed, file_name="sltd.csv", content=content, commit=False)
    preview = time.perf_counter() - started
    started = time.perf_counter()
    services.commit_import("bench", record)
    commit = time.perf_counter() - started
    per_row = lambda seconds: f"{seconds / rows * 1e6:7.1f} µs/row"  # noqa: E731
    print(f"{'documents (' + format(rows, ',') + ' rows): file read (baseline)':<44} {read:>9.2f}  {per_row(read)}")
    print(f"{'documents: preview':<44} {preview:>9.2f}  {per_row(preview)}")
    print(f"{'documents: commit (sealed, indexed, keyed)':<44} {commit:>9.2f}  {per_row(commit)}"
          f"  ({(preview + commit) / read:.1f}x the read)")


if __name__ == "__main__":
    sys.exit(main())
