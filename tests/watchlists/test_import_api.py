"""Imports over the API: a file becomes a preview (nothing applied), a commit applies it as the next version,
through the same services as the upload page; bad input is refused naming what is wrong."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from openbmis.audit.models import AuditEvent
from openbmis.watchlists.models import Watchlist, WatchlistEntry, WatchlistImport

pytestmark = pytest.mark.django_db

ROWS = [{"id": "N-1", "name": "KAMAU, Joseph", "birth_dates": "1980-03-14", "countries": "KEN"},
        {"id": "N-2", "name": "Viktor Petrenko"}]


def upload(client, headers, watchlist, content: bytes, name: str = "national.csv", **form):
    return client.post(f"/api/watchlists/{watchlist.id}/imports",
                       {"file": SimpleUploadedFile(name, content), **form}, headers=headers)


def commit(client, headers, import_id):
    return client.post(f"/api/watchlists/imports/{import_id}/commit", headers=headers)


def test_preview_then_commit(admin, client, bearer, make_list, template_csv):
    headers = bearer(admin)
    watchlist = make_list()
    response = upload(client, headers, watchlist, template_csv(ROWS), format="openbmis-csv")
    assert response.status_code == 201, response.content
    preview = response.json()
    assert preview["status"] == "preview" and preview["format"] == "openbmis-csv" and preview["channel"] == "api"
    assert (preview["added"], preview["changed"], preview["removed"], preview["bad_row_count"]) == (2, 0, 0, 0)
    assert {i["id"] for i in preview["differences"]["added"]} == {"N-1", "N-2"}
    assert preview["imported_by"] == admin.username and preview["base_version"] == 0 and preview["version"] is None
    assert not WatchlistEntry.objects.exists()  # a preview applies nothing
    assert client.get(f"/api/watchlists/imports/{preview['id']}", headers=headers).json()["status"] == "preview"
    response = commit(client, headers, preview["id"])
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "committed" and response.json()["version"] == 1
    assert set(WatchlistEntry.objects.values_list("external_id", flat=True)) == {"N-1", "N-2"}
    start = AuditEvent.objects.get(action="watchlist.import.start")
    assert start.after["channel"] == "api" and start.actor_label == admin.username
    assert AuditEvent.objects.get(action="watchlist.import.commit").after["added_ids"] == ["N-1", "N-2"]
    # Committing the same import again is refused; nothing changes.
    again = commit(client, headers, preview["id"])
    assert again.status_code == 409 and "this import is committed" in again.json()["detail"]
    assert Watchlist.objects.get(id=watchlist.id).version == 1
    assert AuditEvent.objects.filter(action="watchlist.import.commit").count() == 1
    # The next file: one changed, one removed, one added.
    second = upload(client, headers, watchlist, template_csv([
        {"id": "N-1", "name": "KAMAU, Joseph", "birth_dates": "1980-03-14", "countries": "KEN;UGA"},
        {"id": "N-3", "name": "Fatuma Ali Hassan"}])).json()
    assert (second["added"], second["changed"], second["removed"], second["unchanged"]) == (1, 1, 1, 0)
    assert second["differences"]["changed"][0]["id"] == "N-1" and second["differences"]["changed"][0]["fields"]
    assert second["differences"]["removed"] == [{"id": "N-2", "name": "Viktor Petrenko", "fields": []}]
    assert commit(client, headers, second["id"]).json()["version"] == 2
    assert WatchlistEntry.objects.get(external_id="N-2").version_removed == 2


def test_documents_list_over_the_session(admin, session_client, make_list, documents_csv):
    client = session_client(admin)  # the web UI's own calls
    stolen = make_list("Stolen", kind="documents")
    response = upload(client, {}, stolen, documents_csv(
        [{"id": "S-1", "issuing_state": "KEN", "number": "K0000013", "status": "stolen"}]), "documents.csv")
    assert response.status_code == 201, response.content
    assert response.json()["format"] == "documents-csv"
    assert commit(client, {}, response.json()["id"]).json()["status"] == "committed"
    wrong = upload(client, {}, stolen, b"id,name\nX,Y\n", format="openbmis-csv")
    assert wrong.status_code == 422 and wrong.json()["field"] == "format"
    assert "for a documents list: give one of auto, documents-csv" in wrong.json()["detail"]


def test_bad_rows_reject_the_file_naming_each_line(admin, client, bearer, make_list, template_csv):
    headers = bearer(admin)
    watchlist = make_list()
    response = upload(client, headers, watchlist, template_csv(
        [{"id": "N-1", "name": "Ok"}, {"id": "N-2", "name": ""}, {"id": "N-3", "name": "X", "sex": "robot"}]),
        "bad.csv")
    assert response.status_code == 422, response.content
    body = response.json()
    assert body["code"] == "invalid" and body["field"] == "file"
    assert body["detail"].startswith("the file was rejected, nothing applied: 2 bad rows")
    assert "bad.csv:3" in body["detail"] and "name is empty" in body["detail"] and "bad.csv:4" in body["detail"]
    assert [row["line"] for row in body["details"]["bad_rows"]] == ["bad.csv:3", "bad.csv:4"]
    record = WatchlistImport.objects.get(id=body["details"]["import_id"])
    assert record.status == "rejected" and record.channel == "api"
    assert AuditEvent.objects.filter(action="watchlist.import.reject", object_id=str(record.id)).exists()
    assert not WatchlistEntry.objects.exists()
    refused = commit(client, headers, record.id)
    assert refused.status_code == 409 and "this import is rejected" in refused.json()["detail"]


@pytest.mark.parametrize(("content", "form", "field", "message"), [
    (b"hello, world\n", {}, "file", "cannot tell the watchlist format"),
    (b"id,name\nN-1,Ok\n", {"format": "xlsx"}, "format", "unknown format 'xlsx' for a persons list"),
    (b"id,name\nN-1,Ok\n", {"format": "un-sc-xml"}, "file", "reads as openbmis-csv, not as the format given"),
    (b"", {}, "file", "the file is empty"),
    (b"id,name,colour\nN-1,Ok,red\n", {}, "file", "colour"),
])
def test_unreadable_or_mislabelled_file_is_refused(admin, client, bearer, make_list, content, form, field, message):
    response = upload(client, bearer(admin), make_list(), content, "list.txt", **form)
    assert response.status_code == 422, response.content
    assert response.json()["field"] == field and message in response.json()["detail"], response.json()
    assert not WatchlistEntry.objects.exists()
    assert not WatchlistImport.objects.exclude(status="rejected").exists()


def test_missing_file_or_list(admin, client, bearer, make_list):
    headers = bearer(admin)
    missing = client.post(f"/api/watchlists/{make_list().id}/imports", {"format": "auto"}, headers=headers)
    assert missing.status_code == 422 and "file" in missing.json()["detail"]
    unknown = "01a226d7-67f5-76f6-9018-d53a27ecdef3"
    nowhere = client.post(f"/api/watchlists/{unknown}/imports",
                          {"file": SimpleUploadedFile("x.csv", b"id,name\nX,Y\n")}, headers=headers)
    assert nowhere.status_code == 404 and nowhere.json()["field"] == "watchlist"
    assert commit(client, headers, unknown).status_code == 404
    assert client.get(f"/api/watchlists/imports/{unknown}", headers=headers).status_code == 404


def test_stale_preview_is_refused(admin, client, bearer, make_list, template_csv):
    headers = bearer(admin)
    watchlist = make_list()
    first = upload(client, headers, watchlist, template_csv(ROWS)).json()
    second = upload(client, headers, watchlist, template_csv(ROWS[:1])).json()
    assert commit(client, headers, first["id"]).status_code == 200
    stale = commit(client, headers, second["id"])
    assert stale.status_code == 409 and stale.json()["field"] == "base_version"
    assert "import the file again" in stale.json()["detail"]
    assert WatchlistEntry.objects.filter(version_removed__isnull=True).count() == 2  # nothing of it applied
    assert WatchlistImport.objects.get(id=second["id"]).status == "preview"


def test_commit_refused_while_the_worker_commits(admin, client, bearer, make_list, template_csv):
    from openbmis.watchlists import services

    headers = bearer(admin)
    preview = upload(client, headers, make_list(), template_csv(ROWS)).json()
    services.request_commit(admin, WatchlistImport.objects.get(id=preview["id"]))  # the page's commit button
    response = commit(client, headers, preview["id"])
    assert response.status_code == 409 and "this import is committing" in response.json()["detail"]
    assert not WatchlistEntry.objects.exists()


def test_only_national_administrators_import(make_user, two_posts, client, bearer, make_list, template_csv, admin):
    watchlist = make_list()
    preview = upload(client, bearer(admin), watchlist, template_csv(ROWS)).json()
    for user in (make_user("primary_officer", two_posts[1]),  # an officer of another post
                 make_user("supervisor", two_posts[0]),
                 make_user("administrator", two_posts[0]),  # held at a post, not nationally
                 make_user("auditor", None)):
        headers = bearer(user)
        for response in (upload(client, headers, watchlist, template_csv(ROWS)),
                         commit(client, headers, preview["id"]),
                         client.get(f"/api/watchlists/imports/{preview['id']}", headers=headers)):
            assert response.status_code == 403, (user.username, response.content)
            assert response.json()["code"] == "forbidden"
    # An administrator's token without the write scope may read but not import or commit.
    read_only = bearer(admin, scopes=["watchlists:read"])
    assert client.get(f"/api/watchlists/imports/{preview['id']}", headers=read_only).status_code == 200
    denied = upload(client, read_only, watchlist, template_csv(ROWS))
    assert denied.status_code == 403 and "watchlists:write" in denied.json()["detail"]
    denied = commit(client, read_only, preview["id"])
    assert denied.status_code == 403 and "watchlists:write" in denied.json()["detail"]
    assert WatchlistImport.objects.count() == 1 and not WatchlistEntry.objects.exists()
