"""Issue 19: a document signer that is not a CA is trusted on its own only after a confirmation naming the risk,
on every channel (service, page, API, CLI)."""

from __future__ import annotations

import base64
import subprocess
import sys

from openbmis.trust import services
from openbmis.trust.models import TrustEntry


def test_a_signer_is_not_pinned_without_confirmation(pki, admin):
    _csca, dsc = pki.country("p256")
    record = services.import_file(admin, file_name="dsc.der", data=dsc.cert.dump())
    assert (record.added_count, record.rejected_count) == (0, 1)
    reason = record.report["rejected"][0]["reason"]
    assert "not pinned without confirmation" in reason and "CSCA" in reason and "forged or stolen" in reason
    assert not TrustEntry.objects.exists()
    confirmed = services.import_file(admin, file_name="dsc.der", data=dsc.cert.dump(), pin_signers=True)
    assert confirmed.added_count == 1 and TrustEntry.objects.get().kind == "pinned_dsc"


def test_the_page_and_the_api_ask_for_the_confirmation(pki, admin, session_client, bearer, client):
    _csca, dsc = pki.country("p256")
    from django.core.files.uploadedfile import SimpleUploadedFile

    web = session_client(admin)
    form = web.get("/trust/import/").content.decode()
    assert 'name="pin_signers"' in form and "forged or stolen" in form
    web.post("/trust/import/", {"file": SimpleUploadedFile("dsc.der", dsc.cert.dump())})
    assert not TrustEntry.objects.exists()
    body = {"file_name": "dsc.der", "content": base64.b64encode(dsc.cert.dump()).decode()}
    answer = client.post("/api/trust/imports", body, content_type="application/json", headers=bearer(admin)).json()
    assert answer["added_count"] == 0 and not TrustEntry.objects.exists()
    answer = client.post("/api/trust/imports", {**body, "pin_signers": True}, content_type="application/json",
                         headers=bearer(admin)).json()
    assert answer["added_count"] == 1 and TrustEntry.objects.get().kind == "pinned_dsc"


def test_the_cli_flag_is_documented():
    out = subprocess.run([sys.executable, "-m", "openbmis.cli.main", "trust", "import", "--help"],
                         capture_output=True, text=True, check=True).stdout
    assert "--pin-signers" in out and "CSCA" in out
