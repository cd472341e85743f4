"""Issue 18's path in a browser: an alert is published; an officer inspects a matching passport and sees the alert
with its image; refers; the document examiner records a photo substitution with UV and visible images; the
secondary officer refuses; the case appears in the fraud statistics."""

from __future__ import annotations

import io
import json

import pytest
from PIL import Image
from tests.browser.capture import screenshot

from openbmis.demo import seed

from .test_inspection_flow import login, scan

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]
UTOPIA = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F3204153<<<<<<<<<<<<<<<4"


def _png(color: str) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), color).save(out, "PNG")
    return out.getvalue()


def test_alert_referral_examination_refusal_statistics(live_server, page, screenshots, db, fast_hasher):
    seed.load(crossings=0)  # publishes the demo alert (photo substitution, Utopia L898 series) as `docexpert`
    from openbmis.audit.models import AuditEvent

    assert AuditEvent.objects.filter(action="documents.alert_published", actor_label="docexpert").exists()
    base = live_server.url

    login(page, base, "officer")
    page.click("#main-nav >> text=Counter")
    scan(page, UTOPIA)
    page.wait_for_selector("[data-testid=checks]")
    assert page.get_attribute("[data-code=document_alerts]", "class").split()[-1] == "fail"
    alert = page.locator("[data-testid=fraud-alert]")
    assert "Photo substitution in the L898 range" in alert.inner_text()
    image = alert.locator("img").first
    image.wait_for()
    assert page.evaluate("(img) => img.complete && img.naturalWidth", image.element_handle()) == 500
    assert "refer" in page.inner_text("[data-testid=suggested]")
    screenshot(page, screenshots / "document-alert.png", full_page=True)
    inspection_url = page.url
    page.fill("textarea[name=note]", "fraud alert on the passport")
    page.click("[data-testid=refer]")
    page.wait_for_selector(".messages")
    page.click("text=Log out")

    login(page, base, "examiner")
    assert "/inspect/" in inspection_url
    page.goto(inspection_url)
    page.click("text=Examine the document")
    page.wait_for_selector("[data-testid=examination-form]")
    page.select_option("select[name=verdict]", "forged_photo")
    page.fill("textarea[name=findings]", "photo: re-laminated, edges lifted\nUV mark: missing over the photo")
    page.check("input[name=disposition][value=retained]")
    page.select_option("select[name=source]", "reader")
    page.set_input_files("input[name=visible]", files=[{"name": "v.png", "mimeType": "image/png",
                                                         "buffer": _png("white")}])
    page.set_input_files("input[name=uv]", files=[{"name": "u.png", "mimeType": "image/png",
                                                    "buffer": _png("purple")}])
    page.click("[data-testid=examination-form] button[type=submit]")
    page.wait_for_selector("[data-testid=checks]")  # back on the inspection
    page.click("text=Examine the document")
    record = page.inner_text("[data-testid=examination]")
    assert "Forged: photo substitution" in record and "UV mark: missing over the photo" in record
    assert page.locator("[data-testid=examination] img").count() == 2
    screenshot(page, screenshots / "document-examination.png", full_page=True)
    page.click("text=Log out")

    login(page, base, "secondary")
    page.click("#main-nav >> text=Secondary")
    page.click("[data-testid=queue] >> text=ERIKSSON")
    page.wait_for_selector("[data-testid=referral]")
    page.click("[data-testid=refuse]")
    page.check("input[name=reasons] >> nth=0")
    page.fill("textarea[name=note]", "photo substitution confirmed by the examiner")
    page.click("[data-testid=refuse]")
    page.wait_for_selector(".messages")
    assert "Refused" in page.inner_text(".messages")
    page.click("text=Log out")

    login(page, base, "supervisor")  # at AIR-CAP: may see identities there, so counts are exact
    page.goto(f"{base}/api/documents/fraud-statistics?border_post=AIR-CAP&group_by=issuing_state,verdict")
    data = json.loads(page.inner_text("body"))
    assert data["rows"] == [{"key": {"issuing_state": "UTO", "verdict": "forged_photo"}, "count": 1}]
