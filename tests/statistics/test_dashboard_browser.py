"""The dashboard in Debian's chromium: it draws every chart, a filter redraws them, a click drills down."""

from __future__ import annotations

import pytest

from openbmis.statistics import services

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

PERIOD = "from=2026-01-15&to=2026-03-15"


def _drawn(page) -> dict[str, str]:
    return page.eval_on_selector_all(
        ".chart[data-panel]", "nodes => Object.fromEntries(nodes.map(n => [n.dataset.panel, "
                              "(n.dataset.drawn || '') + ':' + (n.dataset.points || '0')]))")


def _series_sum(page, panel: str) -> int:
    """What ECharts itself holds for the panel's chart (not what the server sent)."""
    return page.evaluate(
        """panel => { const chart = echarts.getInstanceByDom(document.querySelector(`[data-panel=${panel}]`));
        return chart.getOption().series.filter(s => s.type === 'bar' || s.name !== '' )
          .slice(0, 2).flatMap(s => s.data).reduce((a, v) => a + (v || 0), 0); }""", panel)


def test_dashboard_draws_filters_and_drills_down(live_server, page, screenshots, traffic, make_user):
    services.rebuild("test")
    make_user("analyst", None, username="chart-analyst", password="browser-pass-1")
    page.goto(f"{live_server.url}/statistics/?{PERIOD}")
    page.fill("input[name=username]", "chart-analyst")
    page.fill("input[name=password]", "browser-pass-1")
    page.click("button[type=submit].primary")
    page.wait_for_selector("body[data-charts-ready=yes]")
    drawn = _drawn(page)
    for panel in ("time", "border_post", "nationality", "sex_age", "purpose", "travel_mode", "residence"):
        state, points = drawn[panel].split(":")
        assert state == "yes" and int(points) > 0, (panel, drawn[panel])
    all_posts = _series_sum(page, "border_post")
    assert all_posts > 0
    page.screenshot(path=str(screenshots / "statistics-dashboard.png"), full_page=True)

    # a filter: one post; choosing it changes nothing until Apply (WCAG 3.2.2), then the charts redraw
    before = page.url
    page.select_option("[data-testid=filter-post]", "LND-BRG")
    page.wait_for_timeout(300)
    assert page.url == before
    page.click("#stat-filters button[type=submit]")
    page.wait_for_url("**border_post=LND-BRG**")
    page.wait_for_selector("body[data-charts-ready=yes]")
    drawn = _drawn(page)
    assert drawn["time"].startswith("yes:") and int(drawn["time"].split(":")[1]) > 0
    one_post = _series_sum(page, "border_post")
    assert 0 < one_post < all_posts
    labels = page.evaluate("echarts.getInstanceByDom(document.querySelector('[data-panel=border_post]'))"
                           ".getOption().yAxis[0].data")
    assert labels == ["LND-BRG"]
    page.screenshot(path=str(screenshots / "statistics-dashboard-lnd-brg.png"), full_page=True)

    # drill down: a click on a bar opens the panel's table at that row
    page.locator("[data-panel=nationality]").scroll_into_view_if_needed()
    x, y = page.evaluate("""() => {
        const node = document.querySelector('[data-panel=nationality]');
        const chart = echarts.getInstanceByDom(node);
        const value = chart.getOption().series[0].data[1];
        const point = chart.convertToPixel({seriesIndex: 0}, [value / 2, 1]);
        const box = node.getBoundingClientRect();
        return [box.left + point[0], box.top + point[1]];
    }""")
    page.mouse.click(x, y)
    page.wait_for_url("**/statistics/table/nationality/**#row-1")
    assert page.locator("[data-testid=stat-table] tbody tr#row-1").count() == 1
    page.go_back()
    page.wait_for_selector("body[data-charts-ready=yes]")
    # and the link under a chart opens its table with the same filters
    page.click("[data-testid=table-nationality]")
    page.wait_for_selector("[data-testid=stat-table]")
    assert "border_post=LND-BRG" in page.url
    assert page.locator("[data-testid=stat-table] tbody tr").count() >= 2
    assert not [e for e in page.errors if "Content Security Policy" in e], page.errors
