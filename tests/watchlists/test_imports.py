"""Imports: real UN, OFAC and FtM files previewed and committed; bad rows reject the whole file by line;
re-imports show what changed; a stale preview is refused; the diff is what the files say."""

from __future__ import annotations

import csv
import io
import re
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pytest

from openbmis.audit.models import AuditEvent
from openbmis.core.errors import Conflict
from openbmis.watchlists import services
from openbmis.watchlists.models import DocumentAlert, WatchlistEntry, WatchlistImport

pytestmark = pytest.mark.django_db

UN_XML = "watchlists/un_sc/un_consolidated_2026-02-27.xml"


def sdn_rows(testdata: Path) -> list[list[str]]:
    with (testdata / "watchlists/ofac_sdn/sdn.csv").open(encoding="utf-8", errors="replace", newline="") as fh:
        return [row for row in csv.reader(fh) if any(c.strip() for c in row)]


def ofac_zip(testdata: Path, rows: list[list[str]]) -> bytes:
    """A zip of sdn.csv (these rows) with the real alt.csv and add.csv rows of the same entries."""
    ids = {row[0] for row in rows}
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, keep in (("sdn.csv", rows), ("alt.csv", None), ("add.csv", None)):
            if keep is None:
                with (testdata / "watchlists/ofac_sdn" / name).open(encoding="utf-8", errors="replace",
                                                                    newline="") as fh:
                    keep = [row for row in csv.reader(fh) if row and row[0] in ids]
            text = io.StringIO()
            csv.writer(text, lineterminator="\n").writerows(keep)
            archive.writestr(name, text.getvalue())
    return out.getvalue()


def test_un_list_preview_shows_counts_then_commit_applies(testdata, make_list, load):
    data = (testdata / UN_XML).read_bytes()
    root = ET.fromstring(data)  # noqa: S314 - the test's own reading of a known file
    individuals, entities = len(root.findall("INDIVIDUALS/INDIVIDUAL")), len(root.findall("ENTITIES/ENTITY"))
    assert (individuals, entities) == (730, 273)  # as the data's README states
    watchlist = make_list("UN Security Council")
    record = load(watchlist, data, file_name="un.xml", commit=False)
    assert record.status == "preview" and record.format == "un-sc-xml"
    assert (record.total, record.added_count, record.changed_count, record.removed_count) == (1003, 1003, 0, 0)
    assert WatchlistEntry.objects.filter(watchlist=watchlist).count() == 0  # a preview applies nothing
    assert {"id": "CDi.001", "name": "ERIC BADEGE"} in record.diff["added"]
    record = services.commit_import("test", record)
    watchlist.refresh_from_db()
    assert record.status == "committed" and record.version == 1 and watchlist.version == 1
    assert WatchlistEntry.objects.filter(watchlist=watchlist, version_removed__isnull=True).count() == 1003
    entry = WatchlistEntry.objects.get(watchlist=watchlist, external_id="CDi.001")
    assert entry.name == "ERIC BADEGE" and entry.entity_type == "person" and entry.birth_dates == "1971"
    assert AuditEvent.objects.filter(action="watchlist.import.commit", object_id=str(record.id)).exists()
    # The same file again changes nothing.
    again = load(watchlist, data, file_name="un.xml", commit=False)
    assert (again.added_count, again.changed_count, again.removed_count, again.unchanged_count) == (0, 0, 0, 1003)


def test_ofac_files_import_as_a_zip(testdata, make_list, load):
    rows = sdn_rows(testdata)
    watchlist = make_list("OFAC SDN")
    # The whole file is read and compared (committing 7,000 rows is left to the extracts below, for speed).
    record = load(watchlist, ofac_zip(testdata, rows), file_name="sdn.zip", commit=False)
    assert record.status == "preview", record.errors[:3]
    assert record.format == "ofac-sdn-csv" and record.added_count == record.total == len(rows)


def test_reimport_shows_added_changed_removed(testdata, make_list, load):
    rows = sdn_rows(testdata)[:40]
    watchlist = make_list("OFAC SDN")
    assert load(watchlist, ofac_zip(testdata, rows), file_name="sdn.zip").version == 1
    # alt.csv aliases reached the entry: BANCO NACIONAL DE CUBA a.k.a. NATIONAL BANK OF CUBA
    entry = WatchlistEntry.objects.get(watchlist=watchlist, external_id="306")
    assert entry.name == "BANCO NACIONAL DE CUBA" and "NATIONAL BANK OF CUBA" in entry.aliases
    changed = [list(r) for r in rows[2:]]  # the first two entries are gone
    changed[0][1] = changed[0][1] + " TRADING"  # one name changed
    added = list(sdn_rows(testdata)[100])
    record = load(watchlist, ofac_zip(testdata, [*changed, added]), file_name="sdn.zip", commit=False)
    assert (record.added_count, record.changed_count, record.removed_count) == (1, 1, 2)
    assert record.unchanged_count == 37
    assert [a["id"] for a in record.diff["added"]] == [added[0]]
    assert record.diff["changed"][0]["id"] == changed[0][0] and "names" in record.diff["changed"][0]["fields"]
    assert sorted(r["id"] for r in record.diff["removed"]) == sorted([rows[0][0], rows[1][0]])
    services.commit_import("test", record)
    gone = WatchlistEntry.objects.get(watchlist=watchlist, external_id=rows[0][0])
    assert gone.version_removed == 2 and gone.version_added == 1
    edited = WatchlistEntry.objects.get(watchlist=watchlist, external_id=changed[0][0])
    assert edited.version_changed == 2 and edited.version_added == 1 and edited.name.endswith(" TRADING")
    # A removed entry that comes back is added again.
    back = load(watchlist, ofac_zip(testdata, rows), file_name="sdn.zip")
    assert (back.added_count, back.changed_count, back.removed_count) == (2, 1, 1)
    gone.refresh_from_db()
    assert gone.version_removed is None and gone.version_added == 3


def test_un_file_with_a_bad_element_is_rejected_whole(testdata, make_list, load):
    text = (testdata / UN_XML).read_text(encoding="utf-8")
    # The second individual loses both of its identifiers: the loader must name it.
    first = text.index("<INDIVIDUAL>")
    second = text.index("<INDIVIDUAL>", first + 1)
    end = text.index("</INDIVIDUAL>", second)
    block = text[second:end]
    broken = re.sub(r"<(DATAID|REFERENCE_NUMBER)>[^<]*</\1>", "", block)
    data = (text[:second] + broken + text[end:]).encode("utf-8")
    watchlist = make_list("UN Security Council")
    record = load(watchlist, data, file_name="un.xml")
    assert record.status == "rejected" and record.error_count == 1
    assert record.errors[0]["line"].startswith("INDIVIDUAL[2]")
    assert "REFERENCE_NUMBER" in record.errors[0]["reason"]
    assert WatchlistEntry.objects.filter(watchlist=watchlist).count() == 0
    with pytest.raises(Conflict):
        services.commit_import("test", record)


def test_ofac_file_with_a_bad_row_is_rejected_naming_the_line(testdata, make_list, load):
    rows = [list(r) for r in sdn_rows(testdata)[:10]]
    rows[2][0] = "x" + rows[2][0]
    watchlist = make_list("OFAC SDN")
    record = load(watchlist, ofac_zip(testdata, rows), file_name="sdn.zip")
    assert record.status == "rejected"
    assert [(e["line"], e["field"]) for e in record.errors] == [("sdn.csv:3", "ent_num")]
    assert WatchlistEntry.objects.count() == 0
    assert watchlist.imports.get().version is None


@pytest.mark.parametrize(("row", "line", "field"), [
    ({"id": "B-1", "name": "Bad Sex", "sex": "other"}, "list.csv:3", "sex"),
    ({"id": "B-1", "name": "Bad Date", "birth_dates": "1980-02-30"}, "list.csv:3", "birth_dates"),
    ({"id": "", "name": "No Id"}, "list.csv:3", "id"),
    ({"id": "B-1", "name": "Bad Document", "documents": "passport"}, "list.csv:3", "documents"),
])
def test_template_bad_row_rejects_the_file(make_list, load, template_csv, row, line, field):
    good = {"id": "G-1", "name": "Good Person"}
    record = load(make_list(), template_csv([good, row, {"id": "G-2", "name": "Another"}]))
    assert record.status == "rejected"
    assert [(e["line"], e["field"]) for e in record.errors] == [(line, field)]
    assert WatchlistEntry.objects.count() == 0


def test_unreadable_file_is_rejected_with_the_reason(make_list, load):
    record = load(make_list(), b"just some words\n", file_name="notes.txt")
    assert record.status == "rejected" and record.errors[0]["line"] == "file"
    assert "format" in record.errors[0]["reason"]


def test_ftm_json_imports(testdata, make_list, load):
    data = (testdata / "watchlists/opensanctions_ftm/yente_t1_entities.ftm.json").read_bytes()
    lines = [line for line in data.decode("utf-8").splitlines() if line.strip()]
    record = load(make_list("OpenSanctions"), data, file_name="t1.ftm.json")
    assert record.status == "committed" and record.format == "ftm-json"
    assert 0 < record.added_count <= len(lines)


def test_documents_list_import_and_bad_row(make_list, load, documents_csv):
    watchlist = make_list("SLTD", kind="documents")
    bad = load(watchlist, documents_csv([
        {"issuing_state": "KEN", "number": "K0000013", "status": "stolen"},
        {"issuing_state": "KEN", "number": "K0000014", "status": "borrowed"},
    ]), file_name="docs.csv")
    assert bad.status == "rejected" and [(e["line"], e["field"]) for e in bad.errors] == [("docs.csv:3", "status")]
    good = load(watchlist, documents_csv([
        {"issuing_state": "KEN", "number": "K000-0013", "status": "stolen", "reported_on": "2025-01-10"},
        {"issuing_state": "UTO", "number": "L898902C3", "status": "revoked"},
    ]), file_name="docs.csv")
    assert good.status == "committed" and good.added_count == 2
    alert = DocumentAlert.objects.get(external_id="KEN-K0000013")
    assert alert.number == "K0000013" and alert.status == "stolen" and str(alert.reported_on) == "2025-01-10"


def test_stale_preview_is_refused(make_list, load, template_csv):
    watchlist = make_list()
    first = load(watchlist, template_csv([{"id": "A", "name": "Alpha Person"}]), commit=False)
    second = load(watchlist, template_csv([{"id": "B", "name": "Beta Person"}]), commit=False)
    services.commit_import("test", first)
    with pytest.raises(Conflict, match="version 1"):
        services.commit_import("test", second)
    assert list(WatchlistEntry.objects.values_list("external_id", flat=True)) == ["A"]
    assert WatchlistImport.objects.get(id=second.id).status == "preview"


def test_row_naming_another_list_is_rejected(make_list, load, template_csv):
    header = ("id", "list", "name")
    record = load(make_list(), template_csv([{"id": "A", "list": "elsewhere", "name": "Alpha Person"}], header))
    assert record.status == "rejected" and record.errors[0]["field"] == "list"
