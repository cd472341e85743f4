"""An officer pastes the MRZ of the demo traveller who overstayed (entered 100 days ago, 90 permitted) at
an exit counter: the stay check is flagged with the days overstayed (issue 7)."""

from __future__ import annotations

import pytest
from tests.browser.capture import screenshot

from openbmis.demo import seed
from openbmis.demo.test_travellers import TEST_TRAVELLERS

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def test_overstaying_traveller_is_flagged_at_exit(live_server, page, screenshots, db, fast_hasher):
    seed.load(crossings=0)
    overstay = next(c for c in TEST_TRAVELLERS if c.key == "overstay")
    base = live_server.url
    page.goto(f"{base}/account/login/")
    page.fill("input[name=username]", "officer")
    page.fill("input[name=password]", seed.DEMO_PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_selector("#main-nav")
    page.goto(f"{base}/inspect/")
    page.select_option("select[name=lane]", "")
    page.select_option("select[name=direction]", "exit")
    page.fill("textarea.mrz", overstay.mrz())
    page.locator("#counter-form button[type=submit]").first.click()
    page.wait_for_selector("[data-testid=checks]")
    stay = page.locator("[data-code=stay]")
    assert stay.get_attribute("class").split()[-1] == "fail"
    # entered 100 days ago, permitted until entry day + 89: 11 days over
    assert "Overstayed by 11 days" in stay.inner_text()
    assert "refer" in page.inner_text("[data-testid=suggested]")
    screenshot(page, screenshots / "overstay-exit.png", full_page=True)
