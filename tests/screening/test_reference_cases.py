"""The reference cases of other engines, as tests: nomenklatura's match/no-match and ranking pairs, and the
orderings of moov-io/watchman (../shared/testdata/watchlists)."""

from __future__ import annotations

import itertools
import json
from pathlib import Path
from typing import Any

import pytest
from tests.paths import shared_testdata

from openbmis.screening import Identifier, Query, ScoringConfig, WatchlistEntry, compare, parse_date

ROOT = shared_testdata() / "watchlists"
TYPES = {"Person": "person", "Company": "organization", "Organization": "organization", "Vessel": "vessel"}
ID_PROPS = ("swiftBic", "registrationNumber", "imoNumber")


def _load(name: str) -> dict[str, Any]:
    path = ROOT / name
    if not path.is_file():  # collected before fixtures run: the testdata fixture skips the tests themselves
        return {}
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


NOMENKLATURA = _load("nomenklatura/nomenklatura_cases.json")
WATCHMAN = _load("watchman/watchman_cases.json")


def _query(props: dict[str, str], schema: str) -> Query:
    return Query(
        name=props.get("name", ""),
        birth_dates=(parse_date(props["birthDate"]),) if "birthDate" in props else (),
        countries=tuple(props[k] for k in ("nationality", "jurisdiction") if k in props),
        identifiers=tuple(Identifier(k, props[k]) for k in ID_PROPS if k in props),
        entity_type=TYPES[schema],
        first_name=props.get("firstName", ""),
        last_name=props.get("lastName", ""),
    )


def _entry(props: dict[str, str], schema: str) -> WatchlistEntry:
    return WatchlistEntry(
        id="result",
        list_name="test",
        entity_type=TYPES[schema],
        names=(props["name"],) if "name" in props else (),
        aliases=(props["alias"],) if "alias" in props else (),
        family_names=(props["lastName"],) if "lastName" in props else (),
        birth_dates=(parse_date(props["birthDate"]),) if "birthDate" in props else (),
        countries=tuple(props[k] for k in ("nationality", "jurisdiction") if k in props),
        identifiers=tuple(Identifier(k, props[k]) for k in ID_PROPS if k in props),
    )


MATCH_CASES = NOMENKLATURA.get("match_cases", {}).get("cases", [])
RANKING_CASES = NOMENKLATURA.get("ranking_cases", {}).get("cases", [])


def test_reference_files_have_the_documented_counts(testdata: Path) -> None:
    assert len(MATCH_CASES) == 29
    assert len(RANKING_CASES) == 13


@pytest.mark.parametrize("case", MATCH_CASES, ids=lambda c: f"{c['query']}-{c['result']}"[:60])
def test_nomenklatura_match_pairs(testdata: Path, case: dict[str, Any]) -> None:
    # the one case with config nm_name_property=name: only the entry's own names count, not its aliases
    config = ScoringConfig(match_aliases=not case.get("config"))
    explanation = compare(
        _query(case["query"], case["schema"]), _entry(case["result"], case["schema"]), config
    )
    assert (explanation.score >= config.threshold) is case["matches"], explanation


@pytest.mark.parametrize("case", RANKING_CASES, ids=lambda c: f"{c['better']}>{c['worse']}"[:60])
def test_nomenklatura_ranking_pairs(testdata: Path, case: dict[str, Any]) -> None:
    entry = _entry(case["result"], case["schema"])
    better = compare(_query(case["better"], case["schema"]), entry).score
    worse = compare(_query(case["worse"], case["schema"]), entry).score
    assert better > worse


def _jw_pairs() -> list[tuple[str, str, str, float, float]]:
    """(indexed, better search, worse search) from watchman's token-pair Jaro-Winkler table, where watchman's
    own scores differ by at least 0.1 (closer ones are that algorithm's detail, not a portable ordering)."""
    cases = WATCHMAN.get("best_pairs_jaro_winkler", {}).get("cases", [])
    by_indexed: dict[str, list[dict[str, Any]]] = {}
    for c in cases:
        by_indexed.setdefault(c["indexed"], []).append(c)
    out = []
    for indexed, group in by_indexed.items():
        for a, b in itertools.combinations(group, 2):
            if abs(a["score"] - b["score"]) >= 0.1:
                hi, lo = (a, b) if a["score"] > b["score"] else (b, a)
                out.append((indexed, hi["search"], lo["search"], hi["score"], lo["score"]))
    return out


def _name_score(search: str, indexed: str) -> float:
    if not search.strip() or not indexed.strip():
        return 0.0
    entry = WatchlistEntry(id="x", list_name="test", entity_type="unknown", names=(indexed,))
    return compare(Query(name=search), entry).score


@pytest.mark.parametrize("indexed,better,worse", [(i, b, w) for i, b, w, _, _ in _jw_pairs()])
def test_watchman_name_orderings(testdata: Path, indexed: str, better: str, worse: str) -> None:
    assert _name_score(better, indexed) > _name_score(worse, indexed)


def test_watchman_pair_count(testdata: Path) -> None:
    assert len(_jw_pairs()) == 41


def test_watchman_ofac_48603_scenarios_keep_their_order(testdata: Path) -> None:
    scenarios = {c["name"]: c["query"] for c in WATCHMAN["ofac_sdn_person_48603_scenarios"]["cases"]}
    # the SDN entry as the scenario file describes it (its CSV line is abridged there)
    entry = WatchlistEntry(
        id="48603", list_name="ofac-sdn", entity_type="person", names=("KHOROSHEV, Dmitry Yuryevich",),
        family_names=("KHOROSHEV",), aliases=("LOCKBITSUPP",), birth_dates=(parse_date("17 Apr 1993"),),
        countries=("Russia",), sex="Male",
        identifiers=(Identifier("Email Address", "khoroshev1@icloud.com"),
                     Identifier("Email Address", "sitedev5@yandex.ru"), Identifier("Passport", "2018278055", "Russia")),
    )  # fmt: skip

    def score(name: str) -> float:
        q = scenarios[name]
        query = Query(
            name=q["name"],
            birth_dates=(parse_date(q["birthDate"]),) if "birthDate" in q else (),
            sex=q.get("gender", ""),
            identifiers=(Identifier("email", q["email"]),) if "email" in q else (),
            entity_type=q.get("type", "unknown"),
        )
        return compare(query, entry).score

    order = [
        "Exact match - Person with all fields",
        "Partial match - Missing birthdate - Exact Email",
        "Name match only",
        "Fuzzy name match - Alternate identity",
        "Close name but different person details",
        "Mismatch - Wrong name and no matching details",
        "mismatched entity type",
    ]
    scores = [score(n) for n in order]
    assert scores[0] >= scores[1]
    assert all(a > b for a, b in zip(scores[1:], scores[2:], strict=False)), scores
    assert scores[-1] == 0.0
