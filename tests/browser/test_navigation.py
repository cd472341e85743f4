"""Each role logs in through the real login page (and TOTP where required) and sees its navigation."""

from __future__ import annotations

import pyotp
import pytest
from tests.browser.capture import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

# What each role must see in the main navigation, and what it must not.
EXPECTED_NAV = {
    "primary_officer": {"Home", "Counter", "Travellers", "Screening", "Visas", "Border posts", "API tokens"},
    "secondary_officer": {"Home", "Counter", "Secondary", "Travellers", "Hits", "Screening", "Visas", "Border posts", "API tokens"},
    "supervisor": {"Home", "Counter", "Secondary", "Travellers", "Hits", "Screening", "Examinations", "Visas", "Overstays",
                   "Statistics",
                   "Border posts", "API tokens", "Capacity", "Training", "Manifests", "Pre-arrival"},
    "analyst": {"Home", "Visas", "Overstays", "Statistics", "Border posts", "API tokens", "Capacity", "Manifests"},
    "administrator": {"Home", "Visas", "Statistics", "Border posts", "Users", "Trust store", "Watchlists",
                      "API tokens", "Capacity", "Training", "Nodes", "Retention"},
    "auditor": {"Home", "Border posts", "Audit trail", "API tokens", "Retention"},
    "assessor": {"Home", "Border posts", "Capacity", "Training", "API tokens"},
    "training_coordinator": {"Home", "Border posts", "Capacity", "Training", "API tokens"},
    "prearrival_officer": {"Home", "Manifests", "Pre-arrival", "Border posts", "API tokens"},
}
NEEDS_TOTP = {"administrator", "auditor"}


@pytest.mark.parametrize("role", list(EXPECTED_NAV))
def test_role_logs_in_and_sees_its_navigation(live_server, page, screenshots, make_user, two_posts, role):
    post = None if role in {"analyst", "administrator", "auditor"} else two_posts[0]
    make_user(role, post, username=f"u-{role}", password="browser-pass-1")
    page.goto(f"{live_server.url}/")
    assert "/account/login/" in page.url
    page.fill("input[name=username]", f"u-{role}")
    page.fill("input[name=password]", "browser-pass-1")
    page.click("button[type=submit].primary")
    if role in NEEDS_TOTP:
        page.wait_for_selector("[data-testid=totp-secret]")
        secret = page.inner_text("[data-testid=totp-secret]").strip()
        page.fill("input[name=code]", pyotp.TOTP(secret).now())
        page.click("button[type=submit].primary")
    page.wait_for_selector("#main-nav")
    labels = {link.strip() for link in page.locator("#main-nav a").all_inner_texts()}
    assert labels == EXPECTED_NAV[role]
    screenshot(page, screenshots / f"nav-{role}.png", full_page=True)
    # the border-post list shows only what is in scope
    page.click("#main-nav >> text=Border posts")
    # all_inner_texts() does not wait: read the rows only once the new page has them
    page.wait_for_url("**/border-posts/")
    page.wait_for_selector("[data-testid=posts] tbody tr")
    rows = page.locator("[data-testid=posts] tbody tr").all_inner_texts()
    codes = {row.split()[0] for row in rows}
    assert codes == ({"TST-A"} if post is not None else {"TST-A", "TST-B"})
    page.click("text=Log out")
    page.wait_for_url("**/account/login/**")
