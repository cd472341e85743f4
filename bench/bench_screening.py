"""Screening benchmark: recall, top-1, false hits, latency, build time and memory, beside a brute-force
rapidfuzz token-sort baseline measured in the same run.

Watchlist: the full UN SC list (Latin names only: its original-script names are removed so that they can be
queried across scripts), the OFAC SDN list, and N synthetic distractor persons (bench/screening_data).
Query sets (../shared/testdata/watchlists):
  perturbed  yente's 683 perturbed UN names (typos, reordering, DOB +-1): each must find its UN entry
  script     the UN list's names in original script (Arabic, Cyrillic) against the Latin-only index
  negatives  yente's 2,000 synthetic persons: must find nothing on the real lists
  multiscript every UN-listed person in three scripts or more (original script, Russian and Greek letters
             by cited standards; bench/screening_data/multiscript.py says how): each must find its UN entry
  unrelated  the same persons' given and family names shuffled across persons, per script: must find nothing
             on the real lists
Also: the index saved and opened memory-mapped (beside its build time; same hits for 200 queries) and a
change of 1,000 entries applied by its delta (beside the build).

Run: .venv/bin/python bench/bench_screening.py [--distractors N] [--quick] [--baseline-queries K]
"""

from __future__ import annotations

import argparse
import csv
import gc
import json
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

from rapidfuzz import fuzz, process, utils  # noqa: E402

from openbmis.screening import Query, analyse_name, load_watchlist, parse_date  # noqa: E402
from openbmis.screening.index import IndexBuilder, ScreeningIndex  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from screening_data.distractors import generate  # noqa: E402
from screening_data.multiscript import build as build_multiscript  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(os.environ.get("OPENBMIS_TESTDATA", ROOT.parent / "shared" / "testdata")) / "watchlists"
REAL_LISTS = ("un-sc", "ofac-sdn")
BASELINE_CUTOFF = 85.0


def rss_mb() -> float:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def name_key(text: str) -> tuple[str, ...]:
    forms = analyse_name(text)
    return tuple(sorted(forms[0].tokens)) if forms else ()


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    s = sorted(values)
    return s[min(len(s) - 1, int(q * len(s)))]


def load_queries() -> dict[str, list[tuple[Query, set[str]]]]:
    un = load_watchlist(DATA / "un_sc" / "un_consolidated_2026-02-27.xml").entries
    by_name: dict[tuple[str, ...], set[str]] = {}
    for e in un:
        for n in e.names[:1] + e.aliases:
            by_name.setdefault(name_key(n), set()).add(e.id)
    yb = DATA / "yente_benchmark"
    untreated = list(csv.DictReader((yb / "positives_un_untreated.csv").open(encoding="utf-8")))
    treated = list(csv.DictReader((yb / "positives_un_treated.csv").open(encoding="utf-8")))

    def query(row: dict[str, str]) -> Query:
        dob = row.get("date_of_birth", "").strip()
        dates = (parse_date(dob, lenient=True),) if dob else ()
        nat = row.get("nationality", "").strip()
        return Query(name=row["full_name"], birth_dates=dates, countries=(nat,) if nat else (),
                     sex=row.get("gender", ""), entity_type="person")  # fmt: skip

    perturbed = []
    for u, t in zip(untreated, treated, strict=True):
        truth = by_name.get(name_key(u["full_name"]))
        if truth:
            perturbed.append((query(t), truth))
    script = []
    for line in (DATA / "name_variants" / "un_sc_name_variant_groups.jsonl").open(encoding="utf-8"):
        d = json.loads(line)
        if d["name_original_script"] and d["original_script"] != "LATIN":
            etype = "person" if d["kind"] == "individual" else "organization"
            script.append((Query(name=d["name_original_script"], entity_type=etype), {d["reference_number"]}))
    negatives = []
    for f in ("negatives_global_1000.csv", "negatives_us_1000.csv"):
        for row in csv.DictReader((yb / f).open(encoding="utf-8")):
            negatives.append((query(row), set()))
    persons = [(e.id, e.names[0]) for e in un if e.entity_type == "person" and e.names]
    listed = list(by_name) + [name_key(n) for e in load_watchlist(DATA / "ofac_sdn").entries
                              for n in e.names[:1] + e.aliases]  # fmt: skip
    listed_keys = set(listed)
    with_word: dict[str, set[int]] = {}
    for k, key in enumerate(listed):
        for word in key:
            with_word.setdefault(word, set()).add(k)

    def is_namesake(name: str) -> bool:
        """A listed name (UN or OFAC) as the engine's tokens read it, every word of it in one listed name, or
        a listed name of two words or more all within it (a listed person with one more name)."""
        key = name_key(name)
        if not key or key in listed_keys:
            return bool(key)
        if set.intersection(*(with_word.get(w, set()) for w in key)):
            return True
        words = set(key)
        near = set().union(*(with_word.get(w, set()) for w in key))
        return any(len(listed[k]) >= 2 and set(listed[k]) <= words for k in near)

    forms, shuffled = build_multiscript(persons, DATA / "name_variants" / "un_sc_name_variant_groups.jsonl",
                                        20261205, is_namesake)  # fmt: skip
    multiscript = [(Query(name=name, entity_type="person"), {ref}) for ref, _, name in forms]
    unrelated = [(Query(name=name, entity_type="person"), set()) for _, name in shuffled]
    return {"perturbed": perturbed, "script": script, "negatives": negatives, "multiscript": multiscript,
            "unrelated": unrelated}  # fmt: skip


def evaluate(
    name: str, queries: list[tuple[Query, set[str]]], search: Callable[[Query], list[tuple[str, str, float]]]
) -> dict[str, float]:
    """Run a query set; a hit is (list, entry id, score), best first."""
    found = top1 = real_hit = any_hit = 0
    lat: list[float] = []
    cpu: list[float] = []
    for q, truth in queries:
        t = time.perf_counter()
        c = time.process_time()
        hits = search(q)
        cpu.append((time.process_time() - c) * 1000)
        lat.append((time.perf_counter() - t) * 1000)
        ids = {h[1] for h in hits}
        if truth and truth & ids:
            found += 1
        un_hits = [h for h in hits if h[0] == "un-sc"]
        if truth and un_hits and un_hits[0][1] in truth:
            top1 += 1
        if any(h[0] in REAL_LISTS for h in hits):
            real_hit += 1
        if hits:
            any_hit += 1
    n = len(queries)
    return {
        "queries": n,
        "recall": found / n if n else 0.0,
        "top1": top1 / n if n else 0.0,
        "hit_rate_real_lists": real_hit / n if n else 0.0,
        "hit_rate_any_list": any_hit / n if n else 0.0,
        "hits_real_lists": real_hit,
        "hits_any_list": any_hit,
        "p50_ms": pct(lat, 0.5),
        "p95_ms": pct(lat, 0.95),
        "mean_ms": statistics.fmean(lat) if lat else 0.0,
        "cpu_p50_ms": pct(cpu, 0.5),
        "cpu_p95_ms": pct(cpu, 0.95),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--distractors", type=int, default=1_000_000, help="synthetic persons added (default 1M)")
    ap.add_argument("--quick", action="store_true", help="20,000 distractors and a small baseline sample")
    ap.add_argument("--baseline-queries", type=int, default=100, help="queries per set for the baseline")
    ap.add_argument("--seed", type=int, default=20261129)
    ap.add_argument("--json", type=Path, help="also write the figures here")
    args = ap.parse_args(argv)
    n_distractors = 20_000 if args.quick else args.distractors
    n_base = 30 if args.quick else args.baseline_queries

    queries = load_queries()
    un = load_watchlist(DATA / "un_sc" / "un_consolidated_2026-02-27.xml").entries
    ofac = load_watchlist(DATA / "ofac_sdn").entries
    # the UN list as Latin names only: original-script names are the cross-script queries
    latin_un = [replace(e, names=e.names[:1]) for e in un]

    gc.collect()
    rss0 = rss_mb()
    t0 = time.perf_counter()
    builder = IndexBuilder()
    for e in latin_un + ofac:
        builder.add(e)
    for e in generate(n_distractors, seed=args.seed):
        builder.add(e)
    index = builder.build()
    del builder
    gc.collect()
    build_s = time.perf_counter() - t0
    rss1 = rss_mb()
    n_entries = len(index)

    # on disk: save, then open memory-mapped as a new process would (beside the build time above), and a
    # list change of 1,000 entries (500 replaced, 500 new) applied by its delta
    with tempfile.TemporaryDirectory(prefix="bench-screening-") as tmp:
        t = time.perf_counter()
        index.save(tmp)
        save_s = time.perf_counter() - t
        t = time.perf_counter()
        loaded = ScreeningIndex.load(tmp)
        load_s = time.perf_counter() - t
        load_sample = [q for q, _ in queries["perturbed"][:200]]
        t = time.perf_counter()
        same = sum(
            [(h.entry_id, round(h.score, 9)) for h in loaded.search(q, limit=25)]
            == [(h.entry_id, round(h.score, 9)) for h in index.search(q, limit=25)]
            for q in load_sample
        )
        first_queries_s = time.perf_counter() - t
        del loaded
    change = list(generate(500, seed=args.seed + 1))
    replaced = [
        replace(e, names=e.names[:1] + ("Changed " + e.names[0],)) for e in generate(500, seed=args.seed)
    ]
    t = time.perf_counter()
    changed = index.apply_changes(added=[replace(e, id="new-" + e.id) for e in change] + replaced)
    delta_s = time.perf_counter() - t
    assert len(changed) == len(index) + 500
    del changed

    def engine(q: Query) -> list[tuple[str, str, float]]:
        return [(h.list_name, h.entry_id, h.score) for h in index.search(q, limit=25)]

    results: dict[str, dict[str, object]] = {"engine": {}, "baseline": {}}
    for set_name, qs in queries.items():
        results["engine"][set_name] = evaluate(set_name, qs, engine)

    # brute-force baseline: rapidfuzz token_sort_ratio of the query against every name, score >= 85
    t1 = time.perf_counter()
    choices: list[str] = []
    owners: list[tuple[str, str]] = []
    for e in latin_un + ofac:
        for n in e.names + e.aliases + e.weak_names:
            choices.append(utils.default_process(n))
            owners.append((e.list_name, e.id))
    for e in generate(n_distractors, seed=args.seed):
        for n in e.names + e.aliases:
            choices.append(utils.default_process(n))
            owners.append((e.list_name, e.id))
    base_prep_s = time.perf_counter() - t1

    def baseline(q: Query) -> list[tuple[str, str, float]]:
        out = process.extract(utils.default_process(q.name), choices, scorer=fuzz.token_sort_ratio,
                              processor=None, score_cutoff=BASELINE_CUTOFF, limit=25)  # fmt: skip
        seen: dict[tuple[str, str], float] = {}
        for _, score, i in out:
            seen.setdefault(owners[i], score / 100.0)
        return [(k[0], k[1], v) for k, v in sorted(seen.items(), key=lambda kv: -kv[1])]

    rng = random.Random(args.seed)
    for set_name, qs in queries.items():
        sample = qs if len(qs) <= n_base else rng.sample(qs, n_base)
        r = evaluate(set_name, sample, baseline)
        r["sampled"] = len(sample) < len(qs)
        results["baseline"][set_name] = r

    meta = {
        "entries": n_entries,
        "distractors": n_distractors,
        "name_rows": len(index.name_entry),
        "keys": len(index.keys),
        "postings": len(index.postings),
        "build_s": build_s,
        "index_nbytes_mb": index.nbytes() / 2**20,
        "rss_before_mb": rss0,
        "rss_after_build_mb": rss1,
        "rss_growth_mb": rss1 - rss0,
        "baseline_names": len(choices),
        "baseline_prep_s": base_prep_s,
        "baseline_cutoff": BASELINE_CUTOFF,
        "threshold": index.config.threshold,
        "save_s": save_s,
        "load_s": load_s,
        "loaded_same_results": f"{same}/{len(load_sample)}",
        "loaded_first_200_queries_s": first_queries_s,
        "delta_1000_entries_s": delta_s,
    }
    print(f"index: {n_entries:,} entries ({n_distractors:,} synthetic), {meta['name_rows']:,} name rows, "
          f"{meta['keys']:,} keys, {meta['postings']:,} postings")  # fmt: skip
    print(f"build {build_s:.1f} s; index data {meta['index_nbytes_mb']:.0f} MiB; "
          f"process RSS {rss0:.0f} -> {rss1:.0f} MiB (+{rss1 - rss0:.0f})")  # fmt: skip
    print(f"on disk: save {save_s:.1f} s; load (memory-mapped) {load_s:.3f} s against a build of {build_s:.1f} s; "
          f"loaded index gave the same hits for {same}/{len(load_sample)} queries (200 queries incl. first page-ins "
          f"{first_queries_s:.1f} s); a change of 1,000 entries applied by its delta in {delta_s:.2f} s")  # fmt: skip
    header = (
        f"{'set':11} {'method':9} {'n':>5} {'recall':>7} {'top1':>6} {'hit real':>8} {'hit any':>8} "
        f"{'p50 ms':>8} {'p95 ms':>8} {'cpu p50':>8} {'cpu p95':>8}"
    )
    print(header)
    for set_name in queries:
        for method in ("engine", "baseline"):
            r = results[method][set_name]
            assert isinstance(r, dict)
            flag = "*" if r.get("sampled") else ""
            print(f"{set_name:11} {method:9} {r['queries']:>5}{flag:1}{r['recall']:>6.3f} {r['top1']:>6.3f} "
                  f"{r['hit_rate_real_lists']:>8.3f} {r['hit_rate_any_list']:>8.3f} {r['p50_ms']:>8.2f} {r['p95_ms']:>8.2f} "
                  f"{r['cpu_p50_ms']:>8.2f} {r['cpu_p95_ms']:>8.2f}")  # fmt: skip
    for set_name, (_, truth) in ((k, v[0]) for k, v in queries.items() if v):
        if not truth:  # the sets that must find nothing: the counts behind the rates
            r = results["engine"][set_name]
            print(f"{set_name}: {r['hits_real_lists']} of {r['queries']} queries with a hit on UN/OFAC, "
                  f"{r['hits_any_list']} on any list")  # fmt: skip
    load = os.getloadavg()
    print(f"load average during the run (2 shared cores): {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}; "
          "wall-clock latency includes waiting for the CPU, cpu columns count this process's CPU time only")  # fmt: skip
    print("* baseline on a random sample of that set (brute force over every name is slow)")
    print(
        "recall: expected entry among hits; top1: first UN-list hit is the expected entry; hit real: share of"
    )
    print(
        "queries with a hit on UN/OFAC (false-hit rate for negatives); hit any: including synthetic entries"
    )
    if args.json:
        args.json.write_text(json.dumps({"meta": meta, "results": results}, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
