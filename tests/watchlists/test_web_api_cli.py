"""Watchlists through the pages (upload, background preview with progress, commit), the API (search, lists,
hit queue, judgement) and the CLI (import with preview and --commit)."""

from __future__ import annotations

import json
import shutil

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from openbmis.audit.models import AuditEvent
from openbmis.cli.main import main as cli_main
from openbmis.watchlists import services, tasks
from openbmis.watchlists.models import Hit, Watchlist, WatchlistEntry, WatchlistImport

pytestmark = pytest.mark.django_db


# --- pages ----------------------------------------------------------------------------------------------

def test_upload_preview_commit_through_the_pages(admin, session_client, make_list, template_csv):
    client = session_client(admin)
    response = client.post("/watchlists/new/", {"name": "National alert list", "kind": "persons",
                                                "owner": "Immigration HQ", "purpose": "alerts", "threshold": "0.7",
                                                "active": "on"})
    watchlist = Watchlist.objects.get(name="National alert list")
    assert response.status_code == 302 and response["Location"] == f"/watchlists/{watchlist.id}/import/"
    upload = SimpleUploadedFile("national.csv", template_csv([
        {"id": "N-1", "name": "KAMAU, Joseph", "birth_dates": "1980-03-14"},
        {"id": "N-2", "name": "Viktor Petrenko"},
    ]))
    response = client.post(f"/watchlists/{watchlist.id}/import/", {"file": upload})
    record = WatchlistImport.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/watchlists/imports/{record.id}/"
    page = client.get(response["Location"]).content.decode()
    assert "Waiting for the background worker" in page and 'http-equiv="refresh"' in page  # progress refreshes
    tasks.preview_import_job.call(str(record.id))  # what `openbmis worker` runs
    page = client.get(f"/watchlists/imports/{record.id}/").content.decode()
    assert "2 added, 0 changed, 0 removed, 0 unchanged." in page and "KAMAU, Joseph" in page
    assert 'http-equiv="refresh"' not in page and "Commit" in page
    assert WatchlistEntry.objects.count() == 0
    response = client.post(f"/watchlists/imports/{record.id}/commit/")
    assert response.status_code == 302
    assert WatchlistImport.objects.get().status == "committing"
    assert 'http-equiv="refresh"' in client.get(f"/watchlists/imports/{record.id}/").content.decode()
    tasks.commit_import_job.call(str(record.id), str(admin.pk))
    record.refresh_from_db()
    assert record.status == "committed" and record.version == 1 and record.progress == 100
    assert AuditEvent.objects.get(action="watchlist.import.commit").actor_label == admin.username
    detail = client.get(f"/watchlists/{watchlist.id}/").content.decode()
    assert "KAMAU, Joseph" in detail and "national.csv" in detail
    assert "Viktor" not in client.get(f"/watchlists/{watchlist.id}/?q=kamau").content.decode()
    # A second commit of the same import is refused with a message, nothing changes.
    client.post(f"/watchlists/imports/{record.id}/commit/")
    assert WatchlistImport.objects.get().version == 1


def test_rejected_upload_lists_bad_rows(admin, session_client, make_list, template_csv):
    client = session_client(admin)
    watchlist = make_list()
    upload = SimpleUploadedFile("bad.csv", template_csv([{"id": "N-1", "name": "Ok"}, {"id": "N-2", "name": ""}]))
    client.post(f"/watchlists/{watchlist.id}/import/", {"file": upload})
    record = WatchlistImport.objects.get()
    tasks.preview_import_job.call(str(record.id))
    page = client.get(f"/watchlists/imports/{record.id}/").content.decode()
    assert "1 bad row: nothing applied" in page and "bad.csv:3" in page and "name is empty" in page
    assert "Commit" not in page


def test_hit_queue_and_judgement_page(national, inspect, mrz_for, kamau, secondary, session_client, make_user,
                                      two_posts):
    kamau["document_number"] = "K1111111"
    inspect(mrz=mrz_for(**kamau))
    hit = Hit.objects.get()
    client = session_client(secondary)
    queue = client.get("/hits/").content.decode()
    assert f"/hits/{hit.id}/" in queue and "KAMAU" in queue
    page = client.get(f"/hits/{hit.id}/").content.decode()
    assert "Why it matched" in page and "openbmis-names" in page and "1980" in page
    assert client.post(f"/hits/{hit.id}/", {"status": "no_match", "reason": ""}).status_code == 400
    response = client.post(f"/hits/{hit.id}/", {"status": "no_match", "reason": "born in another town"})
    assert response.status_code == 302
    hit.refresh_from_db()
    assert hit.status == "no_match" and hit.judged_by == secondary
    # next time: still in the queue, marked
    inspect(mrz=mrz_for(**kamau))
    queue = client.get("/hits/").content.decode()
    assert "previously judged no match by wl-secondary" in queue
    newer = Hit.objects.get(status="pending")
    assert "born in another town" in client.get(f"/hits/{newer.id}/").content.decode()
    # a supervisor of the other post sees neither the hit nor its page
    other = session_client(make_user("supervisor", two_posts[1]))
    assert f"/hits/{newer.id}/" not in other.get("/hits/").content.decode()
    assert other.get(f"/hits/{newer.id}/").status_code == 403


def test_search_page(national, make_user, two_posts, session_client):
    client = session_client(make_user("primary_officer", two_posts[0]))
    page = client.get("/screening/search/?name=Joseph+Kamau&birth_date=1980-03-14").content.decode()
    assert "NAT-1" in page and "≈" in page
    page = client.get("/screening/search/?name=Joseph+Kamau&birth_date=1980-02-31").content.decode()
    assert "no such day" in page


# --- API ------------------------------------------------------------------------------------------------

def test_search_api_returns_ranked_explained_hits(national, stolen, client, bearer, make_user, two_posts):
    headers = bearer(make_user("primary_officer", two_posts[0]))
    response = client.post("/api/screening/search", {"name": "Joseph KAMAU", "birth_date": "1980-03-14",
                                                      "nationality": "KEN", "sex": "M", "document": "K0000013",
                                                      "issuing_state": "KEN"},
                           content_type="application/json", headers=headers)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["algorithm"] == "openbmis-names" and body["version"]
    kinds = [(h["kind"], h["external_id"]) for h in body["hits"]]
    assert ("document", "SLTD-1") in kinds and ("person", "NAT-1") in kinds
    person = next(h for h in body["hits"] if h["kind"] == "person")
    assert {f["feature"] for f in person["explanation"]["features"]} >= {"name"}
    assert all(k in person for k in ("entry_id", "list", "name", "score", "algorithm", "version", "explanation",
                                     "explanation_text"))
    scores = [h["score"] for h in body["hits"]]
    assert scores == sorted(scores, reverse=True)
    bad = client.post("/api/screening/search", {"name": "x", "birth_date": "yesterday"},
                      content_type="application/json", headers=headers)
    assert bad.status_code == 422 and bad.json()["field"] == "birth_date"
    empty = client.post("/api/screening/search", {}, content_type="application/json", headers=headers)
    assert empty.status_code == 422
    narrow = bearer(make_user("primary_officer", two_posts[0]), scopes=["inspections:write"])
    denied = client.post("/api/screening/search", {"name": "Joseph Kamau"}, content_type="application/json",
                         headers=narrow)
    assert denied.status_code == 403 and "screening:search" in denied.json()["detail"]


def test_hit_api_queue_and_judgement(national, inspect, mrz_for, kamau, secondary, client, bearer):
    kamau["document_number"] = "K1111111"
    inspect(mrz=mrz_for(**kamau))
    headers = bearer(secondary)
    [hit] = client.get("/api/hits?border_post=TST-A", headers=headers).json()
    assert hit["status"] == "pending" and hit["watchlist"] == "National alert list"
    assert hit["explanation"]["features"] and hit["explanation_text"]
    missing = client.post(f"/api/hits/{hit['id']}/judgement", {"status": "match", "reason": ""},
                          content_type="application/json", headers=headers)
    assert missing.status_code == 422
    response = client.post(f"/api/hits/{hit['id']}/judgement", {"status": "unsure", "reason": "photo unclear"},
                           content_type="application/json", headers=headers)
    assert response.status_code == 200 and response.json()["judged_by"] == "wl-secondary"
    assert client.get("/api/hits?border_post=TST-A", headers=headers).json() == []
    assert len(client.get("/api/hits?border_post=TST-A&status=all", headers=headers).json()) == 1


def test_watchlists_api(national, stolen, client, bearer, admin):
    rows = {w["name"]: w for w in client.get("/api/watchlists", headers=bearer(admin)).json()}
    assert rows["National alert list"]["entries"] == 3 and rows["National alert list"]["version"] == 1
    assert rows["Stolen and lost documents"]["kind"] == "documents"


# --- CLI ------------------------------------------------------------------------------------------------

def test_cli_import_preview_then_commit(testdata, tmp_path, capsys, make_list):
    folder = tmp_path / "ofac"
    folder.mkdir()
    ids: set[str] = set()
    for name in ("sdn.csv", "alt.csv", "add.csv"):
        lines = (testdata / "watchlists/ofac_sdn" / name).read_text(encoding="utf-8", errors="replace").splitlines()
        if name == "sdn.csv":
            lines = lines[:30]
            ids = {line.split(",", 1)[0] for line in lines}
        else:  # the aliases and addresses of those 30 entries
            lines = [line for line in lines if line.split(",", 1)[0] in ids]
        (folder / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert cli_main(["watchlist", "import", str(folder / "sdn.csv"), "--list", "OFAC SDN"]) == 2
    assert "no watchlist 'OFAC SDN'" in capsys.readouterr().err
    status = cli_main(["watchlist", "import", str(folder / "sdn.csv"), "--list", "OFAC SDN", "--create",
                       "--owner", "US Treasury", "--quiet"])
    out = capsys.readouterr().out
    assert status == 0 and "30 added" in out and "not applied" in out
    assert WatchlistEntry.objects.count() == 0
    status = cli_main(["watchlist", "import", str(folder), "--list", "OFAC SDN", "--commit", "--json"])
    summary = json.loads(capsys.readouterr().out)
    assert status == 0 and summary["status"] == "committed" and summary["version"] == 1
    assert summary["added"] == 30 and summary["format"] == "ofac-sdn-csv"
    assert WatchlistEntry.objects.filter(watchlist__name="OFAC SDN").count() == 30
    assert AuditEvent.objects.filter(action="watchlist.import.commit", actor_label="cli").count() == 1
    assert cli_main(["watchlist", "list"]) == 0
    assert "OFAC SDN" in capsys.readouterr().out


def test_cli_rejects_a_bad_file_naming_the_line(tmp_path, capsys, make_list, template_csv):
    make_list("National")
    path = tmp_path / "national.csv"
    path.write_bytes(template_csv([{"id": "1", "name": "Good"}, {"id": "2", "name": "Bad", "sex": "robot"}]))
    assert cli_main(["watchlist", "import", str(path), "--list", "National", "--commit", "--quiet"]) == 1
    out = capsys.readouterr().out
    assert "rejected, nothing applied" in out and "national.csv:3" in out
    assert not WatchlistEntry.objects.exists()
    assert cli_main(["watchlist", "import", str(tmp_path / "missing.csv"), "--list", "National"]) == 2


def test_cli_un_file(testdata, tmp_path, capsys, make_list):
    make_list("UN")
    source = tmp_path / "un.xml"
    shutil.copy(testdata / "watchlists/un_sc/un_consolidated_2026-02-27.xml", source)
    assert cli_main(["watchlist", "import", str(source), "--list", "UN", "--quiet"]) == 0
    assert "un-sc-xml, 1003 entries: 1003 added" in capsys.readouterr().out
    services.get_watchlist("UN")
