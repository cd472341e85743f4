"""Advance passenger information: a 500-passenger PAXLST manifest parsed and validated (beside the bare
tokenizer), and the same manifest parsed, stored and screened against a large watchlist (beside 500 single
screening queries of the same names against the same index), measured in the same run.

The list: N synthetic persons (bench/screening_data, 1,000,000 by default; 100,000 with --quick) indexed in
memory as the watchlist snapshot of a fresh SQLite database (importing a million rows would measure the
import, not the screening). Ten of the 500 passengers are listed persons, so hits are filed as in real life.

    .venv/bin/python bench/bench_manifests.py [--quick] [--entries N] [--repeat R]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))


def manifest(persons: list, day: date, reference: str) -> str:
    from openbmis import paxlst

    leg = paxlst.Leg(flight="UA123", carrier="UA", origin="YVR", destination="JFK",
                     departure=f"{day.isoformat()}T00:30", arrival=f"{day.isoformat()}T23:00")
    message = paxlst.Message(kind="passengers", legs=[leg], persons=persons)
    return paxlst.write_paxlst([message], sender="UA", recipient="OPENBMIS", reference=reference,
                               prepared=datetime.combine(day, datetime.min.time()))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="100,000 list entries, 2 repeats")
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    entries = 100_000 if args.quick else args.entries
    repeat = 2 if args.quick else args.repeat
    tmp = tempfile.mkdtemp(prefix="bench-manifests-")
    os.environ["OPENBMIS_DATA_DIR"] = tmp
    os.environ["OPENBMIS_DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"
    os.environ["DJANGO_SETTINGS_MODULE"] = "openbmis.server.settings"
    import logging

    import django

    django.setup()
    logging.disable(logging.WARNING)
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    from anyascii import anyascii

    from openbmis import paxlst
    from openbmis.borderposts import services as borderposts
    from openbmis.manifests import services
    from openbmis.screening import IndexBuilder
    from openbmis.watchlists import matching
    from openbmis.watchlists import services as watchlists
    from screening_data.distractors import generate

    # --- 500 passengers: distractor-like people, ten of them listed ------------------------------------
    day = date.today()
    listed = list(generate(10))
    people = list(generate(490, seed=7))
    persons = []
    for i, e in enumerate(listed + people):
        names = anyascii(e.names[0]).replace("'", "").split()
        dob = e.birth_dates[0] if e.birth_dates else None
        birth = date(dob.year, dob.month or 1, dob.day or 1).isoformat() if dob and dob.year else None
        nat = (e.countries[0] if e.countries else "UTO")[:3].upper()
        persons.append(paxlst.Person(
            surname=names[-1].upper(), given_names=" ".join(names[:-1]).upper(), sex="M", birth_date=birth,
            nationality=nat, embarkation="YVR", debarkation="JFK",
            documents=[paxlst.Document(type="P", number=f"BM{i:07d}", issuing_state=nat,
                                       expiry_date=(day + timedelta(days=900)).isoformat())]))
    text = manifest(persons, day, "1")
    print(f"manifest: {len(persons)} passengers, {len(text):,} characters")

    # --- parse and validate --------------------------------------------------------------------------
    runs = 30 if args.quick else 100
    tok, full = [], []
    for _ in range(runs):
        started = time.perf_counter()
        paxlst.tokenize(text)
        tok.append(time.perf_counter() - started)
        started = time.perf_counter()
        result = paxlst.parse(text)
        full.append(time.perf_counter() - started)
    assert result.valid and len(result.messages[0].persons) == 500, result.errors[:3]
    print(f"{'parse + validate (median, ms)':<52} {statistics.median(full) * 1000:9.1f}   target <= 50")
    print(f"{'baseline: tokenizer alone (median, ms)':<52} {statistics.median(tok) * 1000:9.1f}")

    # --- the watchlist snapshot: N synthetic entries + the ten listed ----------------------------------
    post = borderposts.create_border_post("bench", code="JFK", name="JFK", kind="air", country="UTO",
                                          time_zone="UTC")
    services.register_carrier("bench", code="UA", name="United")
    wl = watchlists.create_watchlist("bench", name="Synthetic", owner="bench")
    started = time.perf_counter()
    builder = IndexBuilder(thresholds={wl.name: wl.threshold})
    known: dict[str, matching.ListedEntry] = {}
    for e in list(generate(entries, list_name=wl.name)):
        builder.add(e)
        known[e.id] = matching.ListedEntry(wl.id, wl.id, wl.name, e.id, e.names[0], 1, "person")
    snapshot = matching.Snapshot(stamp=matching._state_stamp(), persons=builder.build(),
                                 documents=__import__("openbmis.screening", fromlist=["DocumentIndex"]).DocumentIndex(),
                                 entries=known, person_lists=1)
    matching._cache["snapshot"] = snapshot
    print(f"{'index of ' + format(entries, ',') + ' entries built (s)':<52} {time.perf_counter() - started:9.1f}")

    # --- manifest stored and screened, beside 500 single queries -----------------------------------------
    ingest_t, query_t = [], []
    for r in range(repeat):
        started = time.perf_counter()
        for p in persons:
            doc = p.documents[0]
            query = matching.person_query(surname=p.surname, given_names=p.given_names, birth_date=p.birth_date,
                                          nationality=p.nationality or "", sex=p.sex or "",
                                          document_number=doc.number, issuing_state=doc.issuing_state or "")
            matching.search_persons(snapshot, query)
        query_t.append(time.perf_counter() - started)
        started = time.perf_counter()
        done = services.ingest("bench", manifest(persons, day, str(100 + r)), source="cli")
        ingest_t.append(time.perf_counter() - started)
    m = done.manifests[0]
    hits = sum(1 for p in m.persons.all() if p.screening == "findings")
    q, i = statistics.median(query_t), statistics.median(ingest_t)
    print(f"{'manifest parsed, stored, screened (median, s)':<52} {i:9.2f}   ({hits} persons with findings)")
    print(f"{'baseline: 500 single screening queries (median, s)':<52} {q:9.2f}")
    print(f"{'ratio (target <= 1.3)':<52} {i / q:9.2f}")
    assert m.arrival_post == post and m.person_count == 500
    return 0


if __name__ == "__main__":
    sys.exit(main())
