"""PDF documents with reportlab, like the statistics reports: the assessment report and the certificate."""

from __future__ import annotations

import io
from typing import Any
from xml.sax.saxutils import escape

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language_bidi
from django.utils.translation import gettext as _
from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from openbmis.audit import services as audit
from openbmis.capacity import scoring
from openbmis.capacity.models import Assessment, Certificate
from openbmis.core import pdf as pdfkit

BAR = colors.HexColor("#1f6feb")


def _p(text: Any, style: Any) -> Paragraph:
    """A paragraph in the active language's drawing (Arabic joined and in visual order)."""
    return Paragraph(escape(pdfkit.shape(str(text))), style)


def _table(rows: list[list[Any]], widths: list[float] | None = None) -> Table:
    """A table in the shipped font; in a right-to-left language its columns in reading order from the right."""
    rtl = get_language_bidi()
    cells = pdfkit.mirrored([[pdfkit.shape(c) if isinstance(c, str) else c for c in row] for row in rows])
    table = Table(cells, repeatRows=1, hAlign="RIGHT" if rtl else "LEFT",
                  colWidths=list(reversed(widths)) if rtl and widths else widths)
    table.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, -1), pdfkit.REGULAR, 8),
        ("ALIGN", (0, 0), (-1, -1), "RIGHT" if rtl else "LEFT"),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eef2f7")),
        ("GRID", (0, 0), (-1, -1), 0.25, colors.HexColor("#c0c8d2")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]))
    return table


def _wrap(text: Any, styles: Any) -> Paragraph:
    return _p(text, styles["BodyText"])


def section_chart(scores: dict[str, Any]) -> Drawing:
    """Section scores as horizontal bars (0-100); unscored sections show as 0 and say so in the table."""
    sections = scores.get("sections", [])
    drawing = Drawing(170 * mm, max(40, 9 * len(sections)) * mm / 2)
    chart = HorizontalBarChart()
    rtl = get_language_bidi()
    chart.x, chart.y = (10 if rtl else 60) * mm, 5 * mm
    chart.width, chart.height = 100 * mm, drawing.height - 10 * mm
    chart.data = [[s["score"] or 0 for s in reversed(sections)]]
    chart.categoryAxis.categoryNames = [pdfkit.shape(s["title"][:40]) for s in reversed(sections)]
    chart.categoryAxis.labels.fontSize = 7
    chart.categoryAxis.labels.boxAnchor = "e"
    chart.categoryAxis.labels.fontName = chart.valueAxis.labels.fontName = pdfkit.REGULAR
    chart.valueAxis.valueMin, chart.valueAxis.valueMax, chart.valueAxis.valueStep = 0, 100, 25
    chart.valueAxis.labels.fontSize = 7
    chart.bars[0].fillColor = BAR
    if rtl:
        pdfkit.bars_from_the_right(chart)
    drawing.add(chart)
    return drawing


def report_name(assessment: Assessment) -> str:
    return f"assessment-{assessment.where}-{assessment.visit_date:%Y-%m-%d}.pdf"


def _answer_text(question: dict[str, Any], value: Any) -> str:
    if value is None:
        return "-"
    if question["kind"] == "yes_no":
        return _("yes") if value else _("no")
    if question["kind"] == "scale":
        return f"{value}: {question['anchors'][value]}"
    if question["kind"] == "choice":
        return next((c.get("label", c["value"]) for c in question["choices"] if c["value"] == value), str(value))
    return str(value)


def build_assessment_pdf(assessment: Assessment) -> bytes:
    content = assessment.template.content
    scores = assessment.scores
    styles = pdfkit.styles()
    where = (f"{assessment.border_post.code} {assessment.border_post.name}" if assessment.border_post
             else _("national level"))
    title = _("Capacity assessment: %(where)s, %(date)s") % {
        "where": where, "date": date_format(assessment.visit_date, "SHORT_DATE_FORMAT")}
    story: list[Any] = [_p(title, styles["Title"])]
    story.append(_p(_("Template %(template)s. Team: %(team)s. Status: %(status)s. Made %(now)s.") % {
        "template": f"{content['title']} (v{assessment.template.version})", "team": assessment.team or "-",
        "status": assessment.get_status_display(), "now": timezone.now().strftime("%Y-%m-%d %H:%M UTC")},
        styles["Normal"]))
    overall = scores.get("overall")
    story.append(_p(_("Overall score: %(score)s / 100 (%(answered)s of %(scorable)s scored questions answered)")
                    % {"score": "-" if overall is None else overall, "answered": scores.get("answered", 0),
                       "scorable": scores.get("scorable", 0)}, styles["Heading2"]))
    story.append(section_chart(scores))
    story.append(_table([[_("Section"), _("Weight"), _("Score"), _("Answered")]] + [
        [s["title"], s["weight"], "-" if s["score"] is None else s["score"], f"{s['answered']}/{s['scorable']}"]
        for s in scores.get("sections", [])]))
    story.append(_p(_("What the system knew of the post"), styles["Heading2"]))
    known = assessment.prefill
    story.append(_table([[_("Figure"), _("Value")]] + [
        [key.replace("_", " "), ", ".join(known[key]) if isinstance(known[key], list) else
         (", ".join(f"{k}: {v}" for k, v in known[key].items()) if isinstance(known[key], dict) else known[key])]
        for key in sorted(known)]))
    story.append(_p(_("Findings"), styles["Heading2"]))
    findings = list(assessment.findings.prefetch_related("courses"))
    if findings:
        story.append(_table([[_("Severity"), _("Finding"), _("Recommendation"), _("Courses")]] + [
            [f.get_severity_display(), _wrap(f.text, styles), _wrap(f.recommendation, styles),
             ", ".join(sorted(c.code for c in f.courses.all()))] for f in findings],
            [20 * mm, 65 * mm, 65 * mm, 25 * mm]))
    else:
        story.append(_p(_("No findings recorded."), styles["Normal"]))
    story.append(_p(_("Action plan"), styles["Heading2"]))
    actions = list(assessment.actions.all())
    if actions:
        story.append(_table([[_("Action"), _("Owner"), _("Due"), _("Cost"), _("Status"), _("Evidence")]] + [
            [_wrap(a.title, styles), a.owner, a.due_date or "-",
             f"{a.cost_estimate} {a.currency}" if a.cost_estimate is not None else "-", a.get_status_display(),
             _wrap(a.evidence or "-", styles)] for a in actions],
            [50 * mm, 25 * mm, 20 * mm, 22 * mm, 20 * mm, 38 * mm]))
    else:
        story.append(_p(_("No actions planned."), styles["Normal"]))
    story.append(PageBreak())
    story.append(_p(_("Answers"), styles["Heading1"]))
    for section in content["sections"]:
        story.append(_p(section["title"], styles["Heading2"]))
        rows: list[list[Any]] = [[_("Question"), _("Answer"), _("Note")]]
        for question in section["questions"]:
            answer = assessment.answers.get(question["code"], {})
            rows.append([_wrap(f"{question['code']} {question['text']}", styles),
                         _wrap(_answer_text(question, answer.get("value")), styles),
                         _wrap(answer.get("note", ""), styles)])
        story.append(_table(rows, [85 * mm, 55 * mm, 35 * mm]))
    story.append(_p(_("Sources"), styles["Heading2"]))
    for source in content.get("sources", []):
        story.append(_p(f"[{source['id']}] {source['title']}", styles["Normal"]))
        story.append(Spacer(1, 1 * mm))
    story.append(_p(scoring.__doc__.split("Scores:", 1)[-1].strip().replace("\n", " ") if scoring.__doc__ else "",
                    styles["Italic"]))
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=A4, title=title, author="OpenBMIS", leftMargin=16 * mm, rightMargin=16 * mm,
                      topMargin=16 * mm, bottomMargin=16 * mm).build(story)
    return buffer.getvalue()


def assessment_report(user: Any, assessment: Assessment) -> bytes:
    pdf = build_assessment_pdf(assessment)
    with transaction.atomic():
        audit.record(actor=user, action="capacity.report", object_type="assessment", object_id=str(assessment.id),
                     border_post_code=assessment.border_post.code if assessment.border_post else "",
                     after={"bytes": len(pdf)})
    return pdf


def build_certificate_pdf(cert: Certificate) -> bytes:
    styles = pdfkit.styles()
    session = cert.enrolment.session
    story: list[Any] = [Spacer(1, 20 * mm), _p(_("Certificate of training"), styles["Title"]), Spacer(1, 8 * mm),
                        _p(_("This certifies that"), styles["Normal"]), _p(cert.holder_name, styles["Heading1"]),
                        _p(_("completed and passed the course"), styles["Normal"]),
                        _p(f"{cert.course.code} {cert.course.title} ({cert.course.hours} h)", styles["Heading2"])]
    if session.institution is not None:
        story.append(_p(_("at %(institution)s") % {"institution": session.institution.name}, styles["Normal"]))
    story += [Spacer(1, 6 * mm), _table([
        [_("Certificate number"), cert.number],
        [_("Issued"), date_format(cert.issued_on, "SHORT_DATE_FORMAT")],
        [_("Valid until"), date_format(cert.expires_on, "SHORT_DATE_FORMAT") if cert.expires_on
         else _("does not expire")],
        [_("Verification code"), cert.verification_code],
    ]), Spacer(1, 6 * mm), _p(_("Verify at /api/certificates/verify?number=%(number)s&code=%(code)s on the issuing "
                                "system: it confirms the number and its validity, nothing more.")
                              % {"number": cert.number, "code": cert.verification_code}, styles["Normal"])]
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=landscape(A4), title=f"{_('Certificate')} {cert.number}",
                      author="OpenBMIS").build(story)
    return buffer.getvalue()


def certificate_pdf(user: Any, cert: Certificate) -> bytes:
    pdf = build_certificate_pdf(cert)
    with transaction.atomic():
        audit.record(actor=user, action="training.certificate_pdf", object_type="certificate",
                     object_id=str(cert.id), object_label=cert.number)
    return pdf
