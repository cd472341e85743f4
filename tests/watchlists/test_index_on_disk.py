"""The screening index at national scale: saved once built, mapped by a new process, updated by a list's delta.

A "new process" is simulated by dropping the cached snapshot (``matching.forget()``): what it then finds is the
saved index on disk and the database, as a freshly started server or worker would.
"""

from __future__ import annotations

import json

import pytest

from openbmis.watchlists import matching
from openbmis.watchlists import services as watchlists

PEOPLE = [
    {"id": "P-1", "name": "Okonkwo Chukwuemeka", "birth_dates": "1971-05-02", "countries": "NGA"},
    {"id": "P-2", "name": "Svetlana Morozova", "birth_dates": "1983-09-30", "countries": "RUS"},
    {"id": "P-3", "name": "Tariq Mahmood Qureshi", "birth_dates": "1966", "countries": "PAK"},
]


def _found(name: str, birth: str | None = None) -> set[str]:
    query = matching.person_query(name=name, birth_date=birth)
    return {h["external_id"] for h in matching.search_persons(matching.current(), query)}


@pytest.fixture
def listed(db, template_csv):
    watchlist = watchlists.create_watchlist("test", name="National", owner="HQ")
    watchlists.import_now("test", watchlist, file_name="v1.csv", content=template_csv(PEOPLE), commit=True)
    return watchlist


def test_a_built_index_is_saved_and_a_new_process_maps_it(listed, settings):
    first = matching.current()
    assert first.source == "built" and len(first.persons) == 3
    saved = settings.OPENBMIS_SCREENING_INDEX_DIR / str(first.stamp)
    assert (saved / "snapshot.json").is_file() and (saved / "persons" / "index.json").is_file()
    matching.forget()  # a new process
    second = matching.current()
    assert second.source == "disk" and second.stamp == first.stamp
    assert _found("SVETLANA MOROZOVA", "1983-09-30") == {"P-2"}


def test_a_list_change_is_applied_by_its_delta(listed, template_csv):
    assert matching.current().source == "built"
    changed = [PEOPLE[0], {**PEOPLE[1], "name": "Svetlana Ivanovna Morozova"},
               {"id": "P-4", "name": "Jean-Baptiste Habyarimana", "birth_dates": "1958-01-12", "countries": "RWA"}]
    watchlists.import_now("test", listed, file_name="v2.csv", content=template_csv(changed), commit=True)
    updated = matching.current()
    assert updated.source == "delta" and len(updated.persons) == 3
    assert _found("JEAN BAPTISTE HABYARIMANA", "1958-01-12") == {"P-4"}  # added
    assert _found("TARIQ MAHMOOD QURESHI", "1966-01-01") == set()  # removed
    assert _found("SVETLANA IVANOVNA MOROZOVA", "1983-09-30") == {"P-2"}  # changed, once
    # A process started after the change maps the saved (older) index and applies the same delta.
    matching.forget()
    restarted = matching.current()
    assert restarted.source == "delta" and restarted.stamp == updated.stamp
    assert _found("JEAN BAPTISTE HABYARIMANA", "1958-01-12") == {"P-4"}
    assert _found("TARIQ MAHMOOD QURESHI", "1966-01-01") == set()


def test_a_changed_threshold_rebuilds(listed):
    before = matching.current()
    watchlists.update_watchlist("test", listed, threshold=0.8, reason="fewer near misses")
    after = matching.current()
    assert after.source == "built" and after.stamp != before.stamp
    assert after.persons.thresholds == {"National": 0.8}


def test_an_index_of_another_algorithm_version_is_not_used(listed, settings):
    first = matching.current()
    meta_file = settings.OPENBMIS_SCREENING_INDEX_DIR / str(first.stamp) / "persons" / "index.json"
    meta = json.loads(meta_file.read_text())
    meta_file.write_text(json.dumps({**meta, "version": "0.0"}))
    matching.forget()
    assert matching.current().source == "built"


def test_a_list_gone_back_in_time_rebuilds(listed):
    assert matching.current().source == "built"
    type(listed).objects.filter(id=listed.id).update(version=0)  # as after restoring an older backup
    watchlists._bump_state()
    assert matching.current().source == "built"
