"""Issue 19: re-importing a file identical to the current version says "no change" and makes no version."""

from __future__ import annotations

from openbmis.audit.models import AuditEvent
from openbmis.watchlists import services
from openbmis.watchlists.models import WatchlistState

ROWS = [{"id": "N-1", "name": "Peter Mwangi", "countries": "KEN"}, {"id": "N-2", "name": "Amina Odhiambo"}]


def test_identical_reimport_makes_no_version(make_list, template_csv):
    listed = make_list()
    services.import_now("test", listed, file_name="v1.csv", content=template_csv(ROWS), commit=True)
    listed.refresh_from_db()
    assert listed.version == 1
    stamp = WatchlistState.objects.get(id=1).stamp
    preview = services.import_now("test", listed, file_name="again.csv", content=template_csv(ROWS), commit=False)
    assert preview.progress_message == "no change from version 1"
    record = services.commit_import("test", preview)
    listed.refresh_from_db()
    assert listed.version == 1 and record.version == 1 and record.status == "committed"
    assert record.progress_message == "no change: the list stays at version 1"
    assert (record.added_count, record.changed_count, record.removed_count, record.unchanged_count) == (0, 0, 0, 2)
    assert WatchlistState.objects.get(id=1).stamp == stamp  # nothing changed for screening either
    assert AuditEvent.objects.filter(action="watchlist.import.unchanged", object_id=str(record.id)).exists()
    # a file that differs by one row still makes the next version
    changed = services.import_now("test", listed, file_name="v2.csv", content=template_csv(ROWS[:1]), commit=True)
    assert changed.version == 2


def test_a_rejected_row_lists_all_its_problems(make_list, template_csv):
    listed = make_list()
    rows = [{"id": "N-1", "name": "Ok"},
            {"id": "N-2", "name": "", "sex": "q", "birth_dates": "1990-13-45", "documents": "passport"}]
    record = services.import_now("test", listed, file_name="bad.csv", content=template_csv(rows), commit=False)
    assert record.status == "rejected" and record.error_count == 1  # one row refused
    problems = {e["field"] for e in record.errors if e["line"] == record.errors[0]["line"]}
    assert problems == {"name", "sex", "birth_dates", "documents"}
