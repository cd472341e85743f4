"""An officer admits one traveller and refers a second who is on a watchlist; the secondary officer
judges the hit and refuses with a reason; the traveller pages show what happened (issue 6)."""

from __future__ import annotations

import pytest
from tests.browser.capture import screenshot

from openbmis.demo import seed
from openbmis.demo.test_travellers import TEST_TRAVELLERS

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def login(page, base, username):
    page.goto(f"{base}/account/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", seed.DEMO_PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_selector("#main-nav")


def scan(page, mrz: str) -> None:
    """Type the MRZ as a keyboard-wedge document reader does: each line, then Enter."""
    field = page.locator("textarea.mrz")
    field.click()
    for line in mrz.split("\n"):
        page.keyboard.type(line, delay=0)
        page.keyboard.press("Enter")


def case(key):
    return next(c for c in TEST_TRAVELLERS if c.key == key)


def test_primary_and_secondary_inspection(live_server, page, screenshots, db, fast_hasher):
    seed.load(crossings=0)
    base = live_server.url
    login(page, base, "officer")
    page.click("#main-nav >> text=Counter")

    # 1. a clean traveller, read by the document reader, is admitted
    scan(page, case("clean").mrz())
    page.wait_for_selector("[data-testid=checks]")  # the reader's last Enter submitted the form
    assert "MWANGI" in page.inner_text("[data-testid=identity]")
    assert page.get_attribute("[data-code=mrz]", "class").split()[-1] == "pass"
    assert "admit" in page.inner_text("[data-testid=suggested]")
    page.click("[data-testid=admit]")
    page.wait_for_selector(".messages")
    assert "Admitted" in page.inner_text(".messages")

    # 2. a traveller on the national alert list, with a stolen passport, is referred
    scan(page, case("watchlist").mrz())
    page.wait_for_selector("[data-testid=hits]")
    assert "refer" in page.inner_text("[data-testid=suggested]")
    assert page.get_attribute("[data-code=watchlist]", "class").split()[-1] in {"fail", "warn"}
    assert page.get_attribute("[data-code=stolen_lost]", "class").split()[-1] == "fail"
    screenshot(page, screenshots / "inspection-hit.png", full_page=True)
    page.fill("textarea[name=note]", "watchlist hit and stolen passport")
    page.click("[data-testid=refer]")
    page.wait_for_selector(".messages")
    page.click("text=Log out")

    # 3. the secondary officer judges the hit and refuses with a reason
    login(page, base, "secondary")
    page.click("#main-nav >> text=Secondary")
    page.click("[data-testid=queue] >> text=KAMAU")
    page.wait_for_selector("[data-testid=referral]")
    inspection_url = page.url
    page.click("[data-testid=adjudicate]")
    page.click("[data-testid=hits] a >> nth=0")
    page.wait_for_selector("[data-testid=explanation]")
    page.check("input[name=status][value=match]")
    page.fill("textarea[name=reason]", "date of birth and passport number agree")
    page.click("button[type=submit].primary")
    page.wait_for_selector(".messages")
    page.goto(inspection_url)
    page.click("[data-testid=refuse]")  # the grounds appear only when refusing
    page.check("input[name=reasons][value=H]")
    page.fill("textarea[name=note]", "alert confirmed")
    page.click("[data-testid=refuse]")
    page.wait_for_selector(".messages")
    assert "Refused" in page.inner_text(".messages")

    # 4. the traveller page shows the referral, the hits and the refusal
    page.goto(f"{base}/secondary/")
    from openbmis.travellers.models import Traveller

    kamau = Traveller.objects.get(primary_identifier="KAMAU")
    page.goto(f"{base}/travellers/{kamau.id}/")
    timeline = page.inner_text("[data-testid=timeline]")
    assert "Entry refused" in timeline and "(reasons H)" in timeline
    assert "Referred to secondary" in timeline and "watchlist hit" in timeline
    screenshot(page, screenshots / "traveller-timeline.png", full_page=True)
    mwangi = Traveller.objects.get(primary_identifier="MWANGI")
    page.goto(f"{base}/travellers/{mwangi.id}/")
    assert "Entry admitted" in page.inner_text("[data-testid=timeline]")
    assert "in the country" in page.inner_text("[data-testid=in-country]")
