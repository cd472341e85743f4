"""The monthly PDF report (on demand, on schedule, from the CLI) and the statistics CLI."""

from __future__ import annotations

import re
import zlib
from datetime import date

import pytest

from openbmis.cli.main import main
from openbmis.statistics import reports, services
from openbmis.statistics.models import MonthlyReport


@pytest.fixture
def built(traffic):
    services.rebuild("test")
    return traffic


def _text(pdf: bytes) -> str:
    """The text drawn in a reportlab PDF: the string operands of its (zlib-compressed) content streams."""
    out = []
    for part in pdf.split(b"stream\n")[1:]:
        try:
            data = zlib.decompress(part.split(b"endstream")[0].strip()).decode("latin-1")
        except zlib.error:
            continue
        for text, newline in re.findall(r"\((.*?)\) Tj( T\*)?", data):
            out.append(text.replace("\\(", "(").replace("\\)", ")") + (" " if newline else ""))
        out.append("\n")
    return "".join(out)


def test_on_demand_report_is_a_pdf_with_posts_tables_and_definitions(built, analyst, session_client, settings):
    response = session_client(analyst).get("/statistics/report/", {"month": "2026-02"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    pdf = response.content
    assert pdf.startswith(b"%PDF-")
    assert pdf.count(b"/Type /Page\n") + pdf.count(b"/Type /Page ") >= 7  # national + six posts + definitions
    from openbmis.audit.models import AuditEvent

    assert AuditEvent.objects.filter(action="statistics.report", object_label="2026-02").exists()


def test_report_text_says_what_it_counts(built, analyst, settings):
    from reportlab import rl_config

    rl_config.useA85 = 0  # plain zlib streams, so the test can read the text
    pdf, filters = reports.generate(analyst, date(2026, 2, 1), None)
    text = _text(pdf)
    for needle in ("Arrivals", "Departures", "Definitions", "UN Recommendations", "AIR-CAP", "LND-BRG"):
        assert needle in text, needle
    assert filters.suppress
    assert "shown as <5" in text


def test_report_bad_month_is_a_clear_message(built, analyst, session_client):
    response = session_client(analyst).get("/statistics/report/", {"month": "2026-13"})
    assert response.status_code == 400
    assert b"YYYY-MM" in response.content


def test_scheduled_report_is_made_once_after_the_month(built):
    assert reports.ensure_scheduled_report(date(2026, 1, 5)) == ""  # December 2025: before any record
    assert reports.ensure_scheduled_report(date(2026, 3, 15)) == "2026-02"
    assert reports.ensure_scheduled_report(date(2026, 3, 20)) == ""  # already made
    stored = MonthlyReport.objects.get()
    assert stored.month == date(2026, 2, 1) and stored.border_post is None and stored.suppressed
    assert bytes(stored.pdf).startswith(b"%PDF-")


def test_stored_report_download_is_scoped(built, analyst, make_user, demo_posts, session_client):
    reports.ensure_scheduled_report(date(2026, 3, 15))
    stored = MonthlyReport.objects.get()
    assert session_client(analyst).get(f"/statistics/report/{stored.id}/").status_code == 200
    supervisor = make_user("supervisor", demo_posts[0])
    assert session_client(supervisor).get(f"/statistics/report/{stored.id}/").status_code == 403


def test_cli_rebuild_check_report(traffic, tmp_path, capsys):
    assert main(["statistics", "rebuild", "--quiet"]) == 0
    assert "roll-ups rebuilt" in capsys.readouterr().out
    assert main(["statistics", "check", "--quiet"]) == 0
    assert "consistent" in capsys.readouterr().out
    from openbmis.statistics.models import FlowDay

    FlowDay.objects.filter(id=FlowDay.objects.order_by("id").values("id")[:1]).update(count=999)
    assert main(["statistics", "check", "--quiet"]) == 1
    assert "INCONSISTENT" in capsys.readouterr().out
    assert main(["statistics", "refresh"]) == 0
    out = tmp_path / "feb.pdf"
    assert main(["statistics", "report", "--month", "2026-02", "--border-post", "AIR-CAP", "-o", str(out),
                 "--quiet"]) == 0
    assert out.read_bytes().startswith(b"%PDF-")
    assert main(["statistics", "report", "--month", "February", "--quiet"]) == 2
    assert main(["statistics", "report", "--month", "2026-02", "--border-post", "NOPE", "--quiet"]) == 2


def test_post_scoped_reader_gets_their_posts_only(built, make_user, demo_posts):
    from reportlab import rl_config

    rl_config.useA85 = 0
    supervisor = make_user("supervisor", demo_posts[0])  # AIR-CAP, sees identities there
    pdf, filters = reports.generate(supervisor, date(2026, 2, 1), None)
    text = _text(pdf)
    assert "Migration statistics 2026-02: AIR-CAP" in text
    assert "LND-BRG" not in text, text[text.find("LND-BRG") - 300: text.find("LND-BRG") + 50]
    assert "2026-02: national" not in text
    assert not filters.suppress
