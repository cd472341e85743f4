"""Screenshots of browser tests, with one retry when Chromium refuses a capture outright.

Chromium sometimes answers ``Page.captureScreenshot`` with "Unable to capture screenshot" and takes the very
same picture when asked again a moment later (CI failed once on it, on a page it had captured in the SQLite
run minutes before). Only that error is retried, once; anything else, or a second refusal, fails the test.
"""

from __future__ import annotations

import time
from pathlib import Path

from playwright.sync_api import Error, Page

REFUSED = "Unable to capture screenshot"


def screenshot(page: Page, path: Path, *, full_page: bool = False) -> None:
    try:
        page.screenshot(path=str(path), full_page=full_page)
    except Error as refused:
        if REFUSED not in str(refused):
            raise
        time.sleep(0.5)
        page.screenshot(path=str(path), full_page=full_page)
