"""The trust store through its pages, its API and its CLI: import reports, status changes, access."""

from __future__ import annotations

import base64
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from openbmis.audit.models import AuditEvent
from openbmis.cli.main import main as cli_main
from openbmis.trust import services
from openbmis.trust.models import TrustEntry, TrustImport

pytestmark = pytest.mark.django_db


# --- pages ----------------------------------------------------------------------------------------------

def test_upload_shows_added_and_rejected_with_reasons(pki, admin, session_client):
    client = session_client(admin)
    csca = pki.country("p256")[0].cert
    response = client.post("/trust/import/", {"file": SimpleUploadedFile("csca.der", csca.dump())}, follow=True)
    assert response.status_code == 200
    page = response.content.decode()
    assert "1 added" in page and "CSCA p256" in page and "Nothing rejected." in page
    response = client.post("/trust/import/", {"file": SimpleUploadedFile("junk.cer", b"junk")}, follow=True)
    page = response.content.decode()
    assert "0 added" in page and "1 rejected" in page and "not a certificate" in page and "junk.cer" in page
    assert AuditEvent.objects.filter(action="trust.import").count() == 2
    history = client.get("/trust/imports/").content.decode()
    assert "csca.der" in history and "junk.cer" in history


def test_list_detail_expire_remove_through_the_pages(pki, admin, session_client):
    client = session_client(admin)
    services.import_file(admin, file_name="csca.der", data=pki.country("p256")[0].cert.dump())
    entry = TrustEntry.objects.get()
    listing = client.get("/trust/").content.decode()
    assert f"/trust/entries/{entry.id}/" in listing
    detail = client.get(f"/trust/entries/{entry.id}/").content.decode()
    assert entry.fingerprint in detail and "Mark expired" in detail
    missing_reason = client.post(f"/trust/entries/{entry.id}/expire/", {"reason": ""})
    assert missing_reason.status_code == 400
    client.post(f"/trust/entries/{entry.id}/expire/", {"reason": "superseded"})
    entry.refresh_from_db()
    assert entry.status == "expired"
    assert client.get("/trust/?status=active").content.decode().count("/trust/entries/") == 0
    client.post(f"/trust/entries/{entry.id}/remove/", {"reason": "compromised"})
    entry.refresh_from_db()
    assert entry.status == "removed"
    assert [e.action for e in AuditEvent.objects.filter(object_type="trust_entry").order_by("seq")] == [
        "trust.expire", "trust.remove",
    ]


@pytest.mark.parametrize("role", ["primary_officer", "supervisor", "auditor", "analyst"])
def test_entry_pages_are_for_administrators(pki, admin, make_user, session_client, role):
    services.import_file(admin, file_name="csca.der", data=pki.country("p256")[0].cert.dump())
    entry = TrustEntry.objects.get()
    client = session_client(make_user(role, None))
    assert client.get(f"/trust/entries/{entry.id}/").status_code == 403
    assert client.post(f"/trust/entries/{entry.id}/remove/", {"reason": "x"}).status_code == 403
    record = TrustImport.objects.get()
    assert client.get(f"/trust/imports/{record.id}/").status_code == 403
    entry.refresh_from_db()
    assert entry.status == "active"


def test_administrator_at_a_post_cannot_manage(pki, admin, make_user, session_client, two_posts):
    services.import_file(admin, file_name="csca.der", data=pki.country("p256")[0].cert.dump())
    client = session_client(make_user("administrator", two_posts[0]))
    entry = TrustEntry.objects.get()
    assert client.post(f"/trust/entries/{entry.id}/expire/", {"reason": "x"}).status_code == 403


# --- API ------------------------------------------------------------------------------------------------

def test_api_import_and_list(pki, admin, client, bearer):
    headers = bearer(admin)
    der = pki.country("rsa")[0].cert.dump()
    response = client.post("/api/trust/imports", json.dumps({"file_name": "csca.der",
                                                             "content": base64.b64encode(der).decode()}),
                           content_type="application/json", headers=headers)
    assert response.status_code == 201
    report = response.json()["report"]
    assert [a["kind"] for a in report["added"]] == ["csca"] and report["rejected"] == []
    entries = client.get("/api/trust/entries?kind=csca&status=active", headers=headers).json()
    assert [e["fingerprint"] for e in entries] == [report["added"][0]["fingerprint"]]
    assert client.get("/api/trust/entries?status=removed", headers=headers).json() == []
    imports = client.get("/api/trust/imports", headers=headers).json()
    assert imports[0]["channel"] == "api" and imports[0]["actor"] == admin.username


def test_api_import_of_bad_base64_is_422(admin, client, bearer):
    response = client.post("/api/trust/imports", json.dumps({"file_name": "x.der", "content": "@@@"}),
                           content_type="application/json", headers=bearer(admin))
    assert response.status_code == 422 and response.json()["field"] == "content"


def test_read_scope_cannot_import(admin, client, bearer):
    response = client.post("/api/trust/imports", json.dumps({"file_name": "x.der", "content": "AAAA"}),
                           content_type="application/json", headers=bearer(admin, scopes=["trust:read"]))
    assert response.status_code == 403 and "trust:write" in response.json()["detail"]


# --- CLI ------------------------------------------------------------------------------------------------

def test_cli_import_prints_added_and_rejected(pki, tmp_path, capsys):
    good = tmp_path / "csca.der"
    good.write_bytes(pki.country("p256")[0].cert.dump())
    bad = tmp_path / "junk.cer"
    bad.write_bytes(b"junk")
    status = cli_main(["trust", "import", str(good), str(bad)])
    out = capsys.readouterr().out
    assert status == 1  # something was rejected
    assert f"{good}: 1 added, 0 rejected" in out and "+ csca" in out
    assert f"{bad}: 0 added, 1 rejected" in out and "- junk.cer: not a certificate" in out
    assert AuditEvent.objects.filter(action="trust.import", actor_label="cli").count() == 2
    assert cli_main(["trust", "list"]) == 0
    listing = capsys.readouterr().out
    assert "csca" in listing and "active" in listing and listing.rstrip().endswith("1 entry")


def test_cli_import_of_missing_file_is_2(tmp_path, capsys):
    assert cli_main(["trust", "import", str(tmp_path / "nope.der")]) == 2
    assert "nope.der" in capsys.readouterr().err
