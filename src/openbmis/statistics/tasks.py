"""Background jobs of the statistics (run by ``openbmis worker``)."""

from __future__ import annotations

from typing import Any

from django_tasks import task


@task()
def refresh_rollups_job() -> dict[str, Any]:
    """Roll up the crossings recorded since the watermark; then make last month's report if it is due."""
    from openbmis.core import installation
    from openbmis.statistics import reports, services

    if not installation.is_hq():
        return {"skipped": f"statistics roll-ups run at headquarters, not at {installation.configured()}"}
    result = services.refresh()
    made = reports.ensure_scheduled_report()
    return {"rebuilt": result.rebuilt, "days": result.days, "referral_days": result.referral_days,
            "hits": result.hits, "last_crossing_id": str(result.last_crossing_id or ""),
            "scheduled_report": made}


@task()
def monthly_report_job(month: str) -> dict[str, Any]:
    """Make the national monthly report for ``month`` (YYYY-MM), small cells suppressed."""
    from openbmis.statistics import reports

    report = reports.generate_and_store("scheduler", reports.parse_month(month), post=None, suppress=True)
    return {"id": report.id, "month": month, "bytes": len(report.pdf)}
