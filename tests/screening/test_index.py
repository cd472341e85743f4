"""The index: retrieval finds what the scorer would find, thresholds per list, pickling, document lookup."""

from __future__ import annotations

import json
import pickle
from pathlib import Path

import numpy as np
import pytest

from openbmis.screening import (
    DocumentIndex,
    Identifier,
    IndexBuilder,
    Query,
    ScoringConfig,
    ScreeningError,
    ScreeningIndex,
    WatchlistEntry,
    load_watchlist,
    parse_date,
)

ENTRIES = [
    WatchlistEntry(id="1", list_name="national", entity_type="person", names=("Ivan Petrovich Sidorov",),
                   birth_dates=(parse_date("1961-07-02"),), countries=("RU",)),
    WatchlistEntry(id="2", list_name="national", entity_type="person", names=("Mohammed Ali Hassan",),
                   aliases=("Abu Ali",)),
    WatchlistEntry(id="3", list_name="children", entity_type="person", names=("Maria Garcia Lopez",)),
    WatchlistEntry(id="4", list_name="national", entity_type="vessel", names=("Sea Pony 1",),
                   identifiers=(Identifier("imo", "IMO 9929429"),)),
    WatchlistEntry(id="5", list_name="national", entity_type="person", names=("Иван Петрович Сидоров",)),
]  # fmt: skip


@pytest.fixture(scope="module")
def index() -> ScreeningIndex:
    return ScreeningIndex.from_entries(ENTRIES, thresholds={"children": 0.5})


@pytest.mark.parametrize(
    "query,expected",
    [
        (Query(name="SIDOROV, Ivan"), {"1", "5"}),
        (Query(name="Sidorow Iwan Petrowitsch"), {"1", "5"}),
        (Query(name="Мохаммед Али Хасан"), {"2"}),
        (Query(name="محمد علي حسن"), {"2"}),
        (Query(name="Muhamad Aly Hasan"), {"2"}),
        (Query(name="Garcia"), {"3"}),  # the children list's lower threshold
        (Query(identifiers=(Identifier("imo", "9929429"),)), {"4"}),
        (Query(name="Completely Unrelated Person"), set()),
    ],
)
def test_search(index: ScreeningIndex, query: Query, expected: set[str]) -> None:
    assert {h.entry_id for h in index.search(query)} == expected


def test_per_list_threshold_and_override(index: ScreeningIndex) -> None:
    hit = index.search(Query(name="Garcia"))[0]
    assert hit.threshold == 0.5 and hit.score < 0.7
    assert index.search(Query(name="Garcia"), threshold=0.7) == []
    assert index.search(Query(name="Ivan Sidorov"), lists=["children"]) == []


def test_hits_are_explained(index: ScreeningIndex) -> None:
    hit = index.search(Query(name="Ivan Sidorov", birth_dates=(parse_date("1961-07-02"),)))[0]
    data = hit.as_dict()
    assert data["entry_id"] == "1" and data["list"] == "national"
    features = [f["feature"] for f in data["explanation"]["features"]]  # type: ignore[index]
    assert features == ["name", "birth_date"]


def test_pickle_round_trip(index: ScreeningIndex) -> None:
    clone = pickle.loads(pickle.dumps(index))
    q = Query(name="Mohammed Hassan")
    assert [(h.entry_id, h.score) for h in clone.search(q)] == [
        (h.entry_id, h.score) for h in index.search(q)
    ]
    assert len(clone) == len(ENTRIES)


def test_duplicate_entries_refused() -> None:
    builder = IndexBuilder()
    builder.add(ENTRIES[0])
    with pytest.raises(ScreeningError) as err:
        builder.add(ENTRIES[0])
    assert err.value.field == "id"


def test_index_finds_every_un_entry_by_its_own_name(testdata: Path) -> None:
    entries = load_watchlist(testdata / "watchlists" / "un_sc" / "un_consolidated_2026-02-27.xml").entries
    index = ScreeningIndex.from_entries(entries, ScoringConfig())
    missed = [
        e.id
        for e in entries
        if e.id not in {h.entry_id for h in index.search(Query(name=e.names[0]), limit=50)}
    ]
    assert missed == []


def test_document_index_exact_and_confusable() -> None:
    docs = DocumentIndex()
    docs.add("sltd", "D1", "NGA", "A0I5 1234", status="stolen")
    docs.add("sltd", "D2", "FR", "12AB34567", status="lost")
    exact = docs.lookup("NG", "a0i51234")
    assert [(h.entry_id, h.exact, h.status) for h in exact] == [("D1", True, "stolen")]
    loose = docs.lookup("Nigeria", "AO15-1234")  # O for 0, 1 for I
    assert [(h.entry_id, h.exact) for h in loose] == [("D1", False)]
    assert docs.lookup("GB", "A0I51234") == []  # another issuing state
    assert len(docs) == 2


def _ids(index: ScreeningIndex, name: str) -> set[str]:
    return {h.entry_id for h in index.search(Query(name=name))}


def test_saved_index_loads_memory_mapped_and_answers_the_same(index: ScreeningIndex, tmp_path: Path) -> None:
    index.save(tmp_path / "idx")
    loaded = ScreeningIndex.load(tmp_path / "idx")
    assert isinstance(loaded.postings, np.memmap) and len(loaded) == len(index)
    for name in ("SIDOROV, Ivan", "محمد علي حسن", "Garcia", "Completely Unrelated Person"):
        assert [(h.entry_id, round(h.score, 6)) for h in loaded.search(Query(name=name))] == [
            (h.entry_id, round(h.score, 6)) for h in index.search(Query(name=name))
        ]
    assert loaded.threshold_for("children") == 0.5 and loaded.contains("national", "2")
    assert not loaded.contains("national", "99")
    again = pickle.loads(pickle.dumps(loaded))  # a mapped index still pickles (to a worker)
    assert _ids(again, "Muhamad Aly Hasan") == {"2"}


def test_an_index_of_another_algorithm_version_is_refused(index: ScreeningIndex, tmp_path: Path) -> None:
    index.save(tmp_path / "idx")
    meta = json.loads((tmp_path / "idx" / "index.json").read_text())
    meta["version"] = "1.1"
    (tmp_path / "idx" / "index.json").write_text(json.dumps(meta))
    with pytest.raises(ScreeningError) as err:
        ScreeningIndex.load(tmp_path / "idx")
    assert err.value.field == "version" and err.value.found.startswith("openbmis-names 1.1")


def test_a_list_change_is_applied_by_its_delta(index: ScreeningIndex, tmp_path: Path) -> None:
    new = WatchlistEntry(id="6", list_name="national", entity_type="person", names=("Olena Kovalenko",))
    renamed = WatchlistEntry(id="3", list_name="children", entity_type="person", names=("Lucia Fernandez",))
    changed = index.apply_changes(added=[new, renamed], removed=[("national", "2")])
    assert changed.keys is index.keys and changed.postings is index.postings  # nothing rebuilt
    assert _ids(changed, "Olena Kovalenko") == {"6"}
    assert _ids(changed, "Muhamad Aly Hasan") == set()  # removed
    assert _ids(changed, "Maria Garcia Lopez") == set() and _ids(changed, "Lucia Fernandez") == {"3"}
    assert _ids(changed, "SIDOROV, Ivan") == {"1", "5"}  # untouched entries still found
    assert len(changed) == len(index)  # +1 new, -1 removed, 1 replaced
    assert _ids(index, "Muhamad Aly Hasan") == {"2"}  # the original index is unchanged
    # a second change on top of the first keeps the first one's entries, and saving folds it in
    twice = changed.apply_changes(removed=[("national", "6")])
    assert _ids(twice, "Olena Kovalenko") == set() and _ids(twice, "Lucia Fernandez") == {"3"}
    twice.save(tmp_path / "idx")
    loaded = ScreeningIndex.load(tmp_path / "idx")
    assert loaded.overlay is None and len(loaded) == len(twice)
    assert _ids(loaded, "Lucia Fernandez") == {"3"} and _ids(loaded, "Muhamad Aly Hasan") == set()
