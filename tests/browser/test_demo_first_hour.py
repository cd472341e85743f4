"""Issue 19, the first hour: `openbmis demo` (what `make demo PORT=...` runs) on a chosen port, from an empty data
folder, then the documented test travellers at the counter and the overstay list with entries, in a browser."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from tests.browser.capture import screenshot

from openbmis.demo import seed
from openbmis.demo.test_travellers import TEST_TRAVELLERS

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.xdist_group("browser")]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def demo_server(tmp_path):
    port = _free_port()
    env = {**os.environ, "OPENBMIS_DATA_DIR": str(tmp_path), "OPENBMIS_MODE": "development",
           "OPENBMIS_DATABASE_URL": f"sqlite:///{tmp_path / 'openbmis.sqlite3'}"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    openbmis = Path(sys.executable).parent / "openbmis"
    log = (tmp_path / "demo.log").open("w")
    process = subprocess.Popen([str(openbmis), "demo", "--host", "127.0.0.1", "--port", str(port)], env=env,
                               stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 420  # the first run migrates and generates the synthetic traffic
    try:
        while True:
            try:
                with urllib.request.urlopen(f"{base}/health", timeout=2) as answer:  # noqa: S310 - our own server
                    if answer.status == 200:
                        break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise AssertionError("the demo did not start: " + (tmp_path / "demo.log").read_text()[-3000:])
            time.sleep(1)
        yield base
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
        log.close()


def _login(page, base, username):
    page.goto(f"{base}/account/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", seed.DEMO_PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_selector("#main-nav")


def _scan(page, mrz: str) -> None:
    field = page.locator("textarea.mrz")
    field.click()
    for line in mrz.split("\n"):
        page.keyboard.type(line, delay=0)
        page.keyboard.press("Enter")
    page.wait_for_selector("[data-testid=checks]")


def _status(page, code: str) -> str:
    return str(page.get_attribute(f"[data-code={code}]", "class")).split()[-1]


CASES = {"clean": ("document", "pass"), "expired": ("document", "fail"), "watchlist": ("stolen_lost", "fail"),
         "no_visa": ("visa", "fail"), "banned": ("entry_ban", "fail")}


def test_demo_on_a_chosen_port_walks_the_test_travellers(demo_server, page, screenshots):
    base = demo_server
    _login(page, base, "officer")
    for traveller in TEST_TRAVELLERS:
        if traveller.key not in CASES:
            continue
        page.goto(f"{base}/inspect/")
        _scan(page, traveller.mrz())
        code, expected = CASES[traveller.key]
        assert _status(page, code) == expected, (traveller.key, page.inner_text("[data-testid=checks]"))
        screenshot(page, screenshots / f"demo-{traveller.key}.png", full_page=True)
    # the banned traveller cannot be admitted by the officer: the admit key is not offered
    assert page.locator("[data-testid=admit]").count() == 0 or page.locator("[data-testid=admit]").is_disabled()
    page.context.clear_cookies()  # log out (the logout itself is a POST from the menu)
    _login(page, base, "analyst")
    page.goto(f"{base}/overstays/")
    rows = page.locator("table tbody tr")
    assert rows.count() > 0 and "No " not in rows.first.inner_text()
    screenshot(page, screenshots / "demo-overstays.png", full_page=True)
