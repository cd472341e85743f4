"""A carrier uploads a manifest; a pre-arrival officer judges a listed passenger's hit in the pre-arrival
queue; the passenger is inspected at the counter and the officer sees the advance result (issue 15)."""

from __future__ import annotations

import pytest
from tests.browser.capture import screenshot
from tests.manifests.helpers import PASSENGERS, manifest_text, mrz_of

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

PASSWORD = "browser-pass-1"


def login(page, base, username):
    page.goto(f"{base}/account/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_selector("#main-nav")


def test_manifest_queue_and_counter(live_server, page, screenshots, client, bearer, make_user, transactional_db):
    from openbmis.borderposts import services as borderposts
    from openbmis.manifests import services
    from openbmis.watchlists import matching
    from openbmis.watchlists import services as watchlists

    post = borderposts.create_border_post("test", code="JFK", name="JFK airport", kind="air", country="UTO",
                                          time_zone="UTC", lanes=[{"code": "J1", "direction": "entry"}])
    account = make_user(None, username="ua-system")
    services.register_carrier("test", code="UA", name="United", account=account)
    listed = watchlists.create_watchlist("test", name="Targets", owner="HQ")
    watchlists.import_now("test", listed, file_name="t.csv", content=b"id,name\nT-1,John Wayne Doe\n", commit=True)
    matching.forget()
    make_user("prearrival_officer", post, username="targeting", password=PASSWORD)
    make_user("primary_officer", post, username="counter", password=PASSWORD)

    # 1. the carrier uploads its manifest over the API with its own token
    response = client.post("/api/manifests", manifest_text(PASSENGERS), content_type="application/edifact",
                           headers=bearer(account, scopes=["manifests:submit"]))
    assert response.status_code == 201, response.content

    # 2. the pre-arrival officer judges the hit on DOE
    base = live_server.url
    login(page, base, "targeting")
    page.click("#main-nav >> text=Pre-arrival")
    row = page.locator("[data-testid=prearrival-hits] tr", has_text="DOE")
    row.locator("input[name=status][value=no_match]").check()
    row.locator("input[name=reason]").fill("listed person born in 1970, not 1957")
    row.locator("button[type=submit]").click()
    page.wait_for_selector(".messages")
    assert "No hits." in page.inner_text("[data-testid=prearrival-hits]")
    screenshot(page, screenshots / "prearrival-queue.png", full_page=True)
    page.click("text=Log out")

    # 3. DOE arrives on UA123 and the counter shows the advance result
    login(page, base, "counter")
    page.click("#main-nav >> text=Counter")
    page.fill("input[name=transport_id]", "UA123")
    field = page.locator("textarea.mrz")
    field.click()
    for line in mrz_of(PASSENGERS[0]).split("\n"):
        page.keyboard.type(line, delay=0)
        page.keyboard.press("Enter")
    page.wait_for_selector("[data-code=advance]")
    assert page.get_attribute("[data-code=advance]", "class").split()[-1] == "pass"
    text = page.inner_text("[data-code=advance]")
    assert "UA123" in text and "judged no match" in text
    # the pre-arrival "no match" is the counter's memory too: the watchlist check warns, it does not fail again
    assert page.get_attribute("[data-code=watchlist]", "class").split()[-1] == "warn"
    assert "judged no match before (by targeting" in page.inner_text("[data-code=watchlist]")
    screenshot(page, screenshots / "counter-advance.png", full_page=True)
