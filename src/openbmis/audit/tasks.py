"""Background jobs of the audit trail."""

from __future__ import annotations

from typing import Any

from django_tasks import task

from openbmis.audit import services


@task()
def verify_audit_chain() -> dict[str, Any]:
    """Recompute the whole chain off the request path (large trails take a while)."""
    report = services.verify()
    return {
        "ok": report.ok,
        "checked": report.checked,
        "head_seq": report.head_seq,
        "problems": [problem.message for problem in report.problems],
    }
