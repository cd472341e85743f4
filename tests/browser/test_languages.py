"""The interface in each language, in a real browser (issue 20): Arabic pages mirrored, with no sideways
overflow, and the statistics charts laid out right to left."""

from __future__ import annotations

import pytest

from openbmis.demo import seed

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
    page.goto(f"{base}/statistics/")
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
    page.screenshot(path=str(screenshots / f"statistics-{language}.png"), full_page=True)
