"""The monthly report as PDF (reportlab): national and per post, vector charts, tables and definitions."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import date, timedelta
from typing import Any
from xml.sax.saxutils import escape

from django.utils import timezone
from django.utils.translation import get_language_bidi
from django.utils.translation import gettext as _
from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.charts.linecharts import HorizontalLineChart
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import (
    KeepTogether,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from openbmis.accounts import authz
from openbmis.accounts.actors import Actor
from openbmis.accounts.models import ApiToken
from openbmis.borderposts.models import BorderPost
from openbmis.core import pdf
from openbmis.core.errors import InvalidInput
from openbmis.statistics import compliance, panels, queries, services
from openbmis.statistics.models import MonthlyReport

ARRIVALS = colors.HexColor("#1f6feb")
DEPARTURES = colors.HexColor("#d97706")
REPORT_PANELS = ("nationality", "sex_age", "residence", "purpose", "travel_mode", "refusals", "referrals",
                 "overstays", "hits", "fraud")


def _paragraph(text: str, style: Any) -> Paragraph:
    """A paragraph of plain text: reportlab reads markup in paragraphs, so '<5' must be escaped; shaped for
    right-to-left languages (Arabic) and printed in the shipped font that has their glyphs."""
    return Paragraph(escape(pdf.shape(str(text))), style)


def parse_month(raw: str) -> date:
    try:
        year, month = (int(part) for part in raw.strip().split("-"))
        return date(year, month, 1)
    except (ValueError, TypeError):
        raise InvalidInput(_("month must be YYYY-MM, got %(raw)r")
                           % {"raw": raw}, field="month", expected="YYYY-MM",
                           found=raw) from None


def month_end(first: date) -> date:
    return (first.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)


def _definitions() -> list[str]:
    return [
        _("Arrivals: entries admitted at a border post during the period; departures: exits admitted."),
        _("Refusals: entries or exits refused, counted once per crossing; by ground, once per ground given."),
        _("Net flow: arrivals minus departures."),
        _("Citizenship: the nationality on the travel document presented, recorded at the time of crossing."),
        _("Residents: travellers returning to their country of residence (purpose of travel 'returning "
          "resident'); everyone else counts as a non-resident."),
        _("Days are the calendar days at the border post; age is the age on that day."),
        _("Referrals: travellers sent to secondary inspection, counted on the day they were referred."),
        _("Overstays: stays that went past their permitted last day, counted on the first day overstayed, by the "
          "post of entry; open (still in the country), exited late, or ended by an extension."),
        _("Watchlist hits: possible matches filed for an officer's judgement, counted on the day they were filed."),
        _("These counts follow the UN Recommendations on Statistics of International Migration (Rev. 1) for flows "
          "by citizenship and residence. See docs/statistics.md."),
    ]


def _table(headers: list[str], rows: list[list[Any]]) -> Table:
    cells = [[pdf.shape(cell) if isinstance(cell, str) else cell for cell in row] for row in [headers, *rows]]
    rtl = get_language_bidi()
    # the label column on the right, the table against the right margin, as an Arabic reader expects
    cells = pdf.mirrored(cells)
    table = Table(cells, repeatRows=1, hAlign="RIGHT" if rtl else "LEFT")
    table.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, 0), pdf.BOLD, 8),
        ("FONT", (0, 1), (-1, -1), pdf.REGULAR, 8),
        ("FONT", (0, -1), (-1, -1), pdf.BOLD, 8),
        ("ALIGN", (0, 0) if rtl else (1, 0), (-1, -1), "RIGHT"),
        ("LINEBELOW", (0, 0), (-1, 0), 0.5, colors.black),
        ("LINEABOVE", (0, -1), (-1, -1), 0.5, colors.black),
        ("ROWBACKGROUNDS", (0, 1), (-1, -2), [colors.white, colors.HexColor("#f2f4f7")]),
    ]))
    return table


def _numbers(values: list[int | None]) -> list[int]:
    return [v or 0 for v in values]


def _line_chart(table: queries.Table) -> Drawing:
    """Arrivals and departures by day; in a right-to-left language the days run from right to left and the
    counts' axis stands on the right, as a reader of Arabic reads a time line."""
    rtl = get_language_bidi()
    drawing = Drawing(170 * mm, 60 * mm)
    chart = HorizontalLineChart()
    chart.x, chart.y, chart.width, chart.height = (18 if rtl else 12) * mm, 10 * mm, 140 * mm, 45 * mm
    chart.data = [_numbers([v["entries"] for _k, v in table.rows]) or [0],
                  _numbers([v["exits"] for _k, v in table.rows]) or [0]]
    labels = [k["day"][-2:] for k, _v in table.rows] or [""]
    chart.categoryAxis.categoryNames = labels
    chart.categoryAxis.labels.fontSize = 6
    chart.valueAxis.labels.fontSize = 7
    chart.categoryAxis.labels.fontName = chart.valueAxis.labels.fontName = pdf.REGULAR
    chart.valueAxis.valueMin = 0
    chart.lines[0].strokeColor, chart.lines[1].strokeColor = ARRIVALS, DEPARTURES
    if rtl:
        chart.categoryAxis.reverseDirection = 1
        pdf.axis_on_the_right(chart.valueAxis, chart.categoryAxis)
    drawing.add(chart)
    drawing.add(_legend(165 * mm, 58 * mm, rtl))
    return drawing


def _legend(x: float, y: float, rtl: bool = False) -> Legend:
    legend = Legend()
    legend.x, legend.y = (20 * mm if rtl else x - 40 * mm), y
    legend.fontSize = 7
    legend.fontName = pdf.REGULAR
    legend.alignment = "left" if rtl else "right"
    legend.colorNamePairs = [(ARRIVALS, pdf.shape(str(queries.MEASURE_LABELS["entries"]))),
                             (DEPARTURES, pdf.shape(str(queries.MEASURE_LABELS["exits"])))]
    legend.columnMaximum = 1
    return legend


def _bar_chart(table: queries.Table) -> Drawing:
    """The first rows as bars; in a right-to-left language the bars grow from the right, labels on the right."""
    rtl = get_language_bidi()
    rows = table.rows[:12]
    height = max(30, 8 * len(rows) + 12) * mm / 2
    drawing = Drawing(170 * mm, height + 10 * mm)
    chart = HorizontalBarChart()
    chart.x, chart.y, chart.width, chart.height = (10 if rtl else 55) * mm, 5 * mm, 105 * mm, height
    if "entries" in table.measures:
        chart.data = [_numbers([v["entries"] for _k, v in rows]), _numbers([v["exits"] for _k, v in rows])]
        chart.bars[0].fillColor, chart.bars[1].fillColor = ARRIVALS, DEPARTURES
    else:
        chart.data = [_numbers([v["count"] for _k, v in rows])]
        chart.bars[0].fillColor = ARRIVALS
    if not rows:
        chart.data = [[0]]
    chart.categoryAxis.categoryNames = [pdf.shape(str(panels.row_label(table, k))[:34]) for k, _v in rows] or [""]
    chart.categoryAxis.labels.fontSize = 6
    chart.valueAxis.labels.fontSize = 6
    chart.categoryAxis.labels.fontName = chart.valueAxis.labels.fontName = pdf.REGULAR
    chart.valueAxis.valueMin = 0
    if rtl:
        pdf.bars_from_the_right(chart)
    drawing.add(chart)
    return drawing


def build_pdf(filters: queries.Filters, title: str) -> bytes:
    """The report for ``filters`` (a month), then one section per post when it covers several posts."""
    buffer = io.BytesIO()
    styles = pdf.styles()
    story: list[Any] = [_paragraph(title, styles["Title"])]
    story.append(_paragraph(_("Period %(start)s to %(end)s. Made %(now)s.") % {
        "start": filters.start, "end": filters.end, "now": timezone.now().strftime("%Y-%m-%d %H:%M UTC")},
        styles["Normal"]))
    if filters.suppress:
        story.append(_paragraph(_("Counts from 1 to %(n)s are shown as <%(m)s to protect individuals.")
                               % {"n": filters.min_cell - 1, "m": filters.min_cell}, styles["Normal"]))
        story.append(_paragraph(_("Other counts and the totals are rounded to the nearest multiple of %(m)s, so "
                                  "rows may not add up to the total.") % {"m": filters.min_cell}, styles["Normal"]))
    story += _section(filters, styles, national=True)
    story += _compliance_story(filters, styles)
    posts = list(filters.posts) or _posts(filters)
    if len(posts) > 1:
        for post in posts:
            story.append(PageBreak())
            story.append(_paragraph(f"{post.code} {post.name}", styles["Heading1"]))
            story += _section(replace(filters, posts=(post,)), styles, national=False)
    story.append(PageBreak())
    story.append(_paragraph(_("Definitions"), styles["Heading1"]))
    for line in _definitions():
        story.append(_paragraph(line, styles["Normal"]))
        story.append(Spacer(1, 2 * mm))
    document = SimpleDocTemplate(buffer, pagesize=A4, title=title, author="OpenBMIS",
                                 leftMargin=18 * mm, rightMargin=18 * mm, topMargin=16 * mm, bottomMargin=16 * mm)
    document.build(story)
    return buffer.getvalue()


def _compliance_story(filters: queries.Filters, styles: Any) -> list[Any]:
    """Carriers' compliance with advance passenger information, protected like every table of the report."""
    if not compliance.available():
        return []
    table = compliance.carrier_table(filters)
    return [KeepTogether([_paragraph(str(compliance.TITLE), styles["Heading2"]),
                          _table(compliance.headers(), compliance.rows(table, filters))])]


def _posts(filters: queries.Filters) -> list[BorderPost]:
    posts = BorderPost.objects.all()
    if not isinstance(filters.scope, authz.AllPosts):
        posts = posts.filter(id__in=filters.scope)
    return list(posts)


def _section(filters: queries.Filters, styles: Any, national: bool) -> list[Any]:
    story: list[Any] = []
    comparison = queries.comparison(filters)
    head = [_("Measure"), _("This month"), _("Month before"), _("Same month last year")]
    rows: list[list[Any]] = []
    periods = ("current", "previous", "last_year")
    for measure in queries.MEASURES:
        rows.append([str(queries.MEASURE_LABELS[measure]), *[
            _("no complete records") if comparison[p] is None else panels.cell(comparison[p][measure], filters)  # type: ignore[index]
            for p in periods]])
    rows.append([str(queries.MEASURE_LABELS["net"]), *[
        _("no complete records") if comparison[p] is None else panels.net_cell(comparison[p])  # type: ignore[arg-type]
        for p in periods]])
    story.append(_paragraph(_("Summary"), styles["Heading2"]))
    story.append(_table(head, rows))
    daily = queries.flows(filters, ["day"])
    story.append(_paragraph(_("Arrivals and departures per day"), styles["Heading2"]))
    story.append(_line_chart(daily))
    names = (("border_post",) if national else ()) + REPORT_PANELS
    for name in names:
        if name not in panels.available():
            continue
        panel = panels.PANELS[name]
        table = panels.panel_table(panel, filters)
        block: list[Any] = [_paragraph(str(panel.title), styles["Heading2"])]
        if table.rows:
            block.append(_bar_chart(table))
        block.append(_table(panels.headers(table, filters), panels.table_rows(table, filters)))
        story.append(KeepTogether(block))
    return story


def generate(user: Any, month: date, post: BorderPost | None, *, suppress: bool | None = None,
             token: ApiToken | None = None) -> tuple[bytes, queries.Filters]:
    params = {"from": month.isoformat(), "to": month_end(month).isoformat(),
              "border_post": post.code if post else None}
    filters = queries.parse_filters(user, params, token=token)
    if suppress is not None:
        filters = replace(filters, suppress=suppress)
    if post is not None:
        where = f"{post.code} {post.name}"
    elif isinstance(filters.scope, authz.AllPosts):
        where = _("national")
    else:  # a post-scoped reader's "national" report covers their posts only, and says so
        where = ", ".join(sorted(p.code for p in _posts(filters)))
    title = _("Migration statistics %(month)s: %(where)s") % {"month": month.strftime("%Y-%m"), "where": where}
    return build_pdf(filters, title), filters


def on_demand(user: Any, month: str, post_code: str | None) -> tuple[bytes, str]:
    """A report made now for the user (suppressed unless they may see identities); audited."""
    first = parse_month(month)
    post = None
    if post_code:
        post = BorderPost.objects.filter(code=post_code.strip().upper()).first()
        if post is None:
            raise InvalidInput(_("unknown border post %(post_code)r")
                               % {"post_code": post_code}, field="border_post", found=post_code)
    pdf, filters = generate(user, first, post)
    from openbmis.audit import services as audit

    audit.record(actor=user, action="statistics.report", object_type="monthly_report",
                 object_label=first.strftime("%Y-%m"), border_post_code=post.code if post else "",
                 after={"suppressed": filters.suppress, "bytes": len(pdf), "on_demand": True})
    return pdf, f"openbmis-{first:%Y-%m}-{post.code if post else 'national'}.pdf"


# The account the schedule reports as: national statistics, no identities (so small cells are hidden).
SCHEDULER = authz.Principal("scheduler", (authz.Grant(authz.Role.ANALYST, None),))


def generate_and_store(actor: Actor, month: date, post: BorderPost | None, suppress: bool = True) -> MonthlyReport:
    pdf, filters = generate(SCHEDULER, month, post, suppress=suppress)
    return services.store_report(actor, month, post, pdf, filters.suppress)


def ensure_scheduled_report(today: date | None = None) -> str:
    """Make last month's national report once the month is over (called by the refresh job)."""
    today = today or timezone.localdate()
    last = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
    if MonthlyReport.objects.filter(month=last, border_post__isnull=True).exists():
        return ""
    first = queries.first_day()
    if first is None or first > month_end(last):
        return ""  # no records for that month: a report of zeros would look like real data
    generate_and_store("scheduler", last, None, suppress=True)
    return last.strftime("%Y-%m")
