"""The interface in each language, in a real browser (issue 20): Arabic pages mirrored, with no sideways
overflow, and the statistics charts laid out right to left."""

from __future__ import annotations

import datetime
import gettext
import re
from pathlib import Path

import pytest
from tests.browser.capture import screenshot

from openbmis.demo import seed

LOCALE = Path(__file__).resolve().parents[2] / "src" / "openbmis" / "locale"

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def login(page, base, username, language):
    page.goto(f"{base}/account/login/")
    page.select_option("#language", language)
    page.click("form.lang button[type=submit]")
    page.wait_for_selector(f"html[lang={language}]")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", seed.DEMO_PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_selector("#main-nav", state="attached")


CHART_LAYOUT = """() => Array.from(document.querySelectorAll('.chart[data-drawn=yes]')).map(node => {
  const option = echarts.getInstanceByDom(node).getOption();
  return {panel: node.dataset.panel, bar: option.series[0].type === 'bar', x: option.xAxis[0], y: option.yAxis[0],
          grid: option.grid[0], legend: option.legend[0].left};
})"""


@pytest.mark.parametrize("language", ["en", "ar"])
def test_statistics_charts_follow_the_reading_direction(live_server, page, screenshots, db, fast_hasher, language):
    seed.load(crossings=300)
    base = live_server.url
    login(page, base, "analyst", language)
    # Weeks of the last four: the seeded crossings per post and day are below the small-cell threshold, so a
    # daily chart of a short default period can be all hidden, depending on the hour the test runs.
    today = datetime.date.today()
    page.goto(f"{base}/statistics/?from={today - datetime.timedelta(days=28)}&to={today}&interval=week")
    page.wait_for_selector("body[data-charts-ready=yes]")
    rtl = language == "ar"
    assert page.get_attribute("html", "dir") == ("rtl" if rtl else "ltr")
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    charts = page.evaluate(CHART_LAYOUT)
    assert any(c["bar"] for c in charts) and any(not c["bar"] for c in charts), charts
    for chart in charts:
        if chart["bar"]:  # categories down the side where the text starts, bars growing away from them
            assert chart["y"].get("position", "left") == ("right" if rtl else "left"), chart
            assert bool(chart["x"]["inverse"]) is rtl, chart
        else:  # time from the side where the text starts
            assert bool(chart["x"]["inverse"]) is rtl, chart
            assert chart["y"].get("position", "left") == ("right" if rtl else "left"), chart
        assert chart["legend"] == ("right" if rtl else "left")
    screenshot(page, screenshots / f"statistics-{language}.png", full_page=True)


# --- every officer-facing page in every language: nothing left in English --------------------------------

LANGUAGES = ["fr", "es", "pt", "ar"]
WORD = re.compile(r"(?<![A-Za-z])[a-z]{3,}(?![A-Za-z])")


def english_catalogue_strings(language: str) -> set[str]:
    """The interface's English strings of two words or more that the language's catalogue translates differently."""
    catalogue = gettext.translation("django", str(LOCALE), languages=[language])._catalog  # type: ignore[attr-defined]
    found = set()
    for msgid, msgstr in catalogue.items():
        if not isinstance(msgid, str) or "\x04" in msgid:  # plural forms, contexts
            continue
        text = msgid.strip()
        if "%" in text or "{" in text or "<" in text:
            continue
        if len(WORD.findall(text)) >= 2 and msgstr and msgstr.strip() != text:
            found.add(text)
    return found


TEXT_NODES = """() => {
  const walker = document.createTreeWalker(document.querySelector('main'), NodeFilter.SHOW_TEXT);
  const out = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const parent = node.parentElement;
    if (!parent || parent.closest('script, style, [hidden]') || !parent.offsetParent) continue;
    const text = node.textContent.replace(/^[\\s—–:·✓✕!-]+|[\\s—–:·]+$/g, '').trim();
    if (text) out.push(text);
  }
  return out;
}"""


def visible_lines(page) -> list[str]:
    """The visible text of the page's main part, one item per text node (so that a translated label beside an
    untranslated message does not hide the message)."""
    return page.evaluate(TEXT_NODES)


def english_left(lines: list[str], english_lines: set[str], catalogue: set[str], data: set[str]) -> list[str]:
    """Lines that are the interface's English: a catalogue string, or a sentence shown identically in English
    (lower-case words, so names, codes and numbers, which are data, do not count; nor do the names that the
    data gives in English, such as a watchlist's)."""
    left = []
    for line in lines:
        if line in data:
            continue
        if any(text in line for text in catalogue if len(text) >= 12):
            left.append(line)
        elif line in english_lines and len(WORD.findall(line)) >= 3:
            left.append(line)
    return left


@pytest.fixture
def officer_pages(live_server, browser, db, fast_hasher):
    """The demo, and the pages an officer decides on: the counter, a verdict with a watchlist hit, the referral,
    the hit, the traveller, the statistics dashboard (the traveller on the alert list inspected and referred)."""
    from openbmis.demo.test_travellers import TEST_TRAVELLERS
    from openbmis.inspections.models import Inspection

    seed.load(crossings=300)
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    page = context.new_page()
    base = live_server.url
    login(page, base, "officer", "en")
    page.goto(f"{base}/inspect/")
    page.wait_for_selector("textarea.mrz:focus")
    for line in next(t for t in TEST_TRAVELLERS if t.key == "watchlist").mrz().split("\n"):
        page.keyboard.type(line, delay=0)
        page.keyboard.press("Enter")
    page.wait_for_selector("[data-testid=verdict]")
    page.wait_for_load_state("load")
    verdict = page.url
    page.keyboard.press("r")
    page.keyboard.type("possible match")
    page.keyboard.press("Enter")
    page.wait_for_selector(".messages")
    context.close()
    inspection = Inspection.objects.get(id=verdict.rstrip("/").split("/")[-1])
    hit = inspection.watchlist_hits.first()
    pages = {
        "counter": ("officer", "/inspect/"),
        "verdict": ("officer", f"/inspect/{inspection.id}/"),  # the officer's verdict, referred
        "referral": ("secondary", f"/inspect/{inspection.id}/"),  # the same inspection at secondary
        "hit": ("secondary", f"/hits/{hit.id}/"),
        "traveller": ("secondary", f"/travellers/{inspection.traveller_id}/"),
        "statistics": ("analyst", "/statistics/"),
    }
    return base, pages


def test_officer_pages_have_no_english_left(officer_pages, browser, screenshots):
    from openbmis.borderposts.models import BorderPost
    from openbmis.watchlists.models import Watchlist

    base, pages = officer_pages
    data = set(Watchlist.objects.values_list("name", flat=True)) | set(BorderPost.objects.values_list("name", flat=True))
    english: dict[str, set[str]] = {}
    problems = []
    for language in ["en", *LANGUAGES]:
        catalogue = english_catalogue_strings(language) if language != "en" else set()
        for user in sorted({user for user, _ in pages.values()}):
            context = browser.new_context(viewport={"width": 1366, "height": 900})
            page = context.new_page()
            login(page, base, user, language)
            for name, (who, path) in pages.items():
                if who != user:
                    continue
                response = page.goto(base + path)
                assert response is not None and response.status == 200, (language, name, path)
                page.wait_for_load_state("load")
                lines = visible_lines(page)
                screenshot(page, screenshots / f"page-{name}-{language}.png", full_page=True)
                if language == "en":
                    english[name] = set(lines)
                    continue
                assert page.get_attribute("html", "lang") == language
                if language == "ar":
                    assert page.get_attribute("html", "dir") == "rtl", name
                    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
                    if overflow > 0:
                        problems.append(f"{language} {name}: {overflow} px of sideways overflow")
                for line in english_left(lines, english[name], catalogue, data):
                    problems.append(f"{language} {name}: {line!r}")
            context.close()
    assert not problems, "\n".join(problems)
