"""Daily jobs queue themselves once; the retention run calls every purger and audits what it deleted."""

from __future__ import annotations

from datetime import UTC, datetime, time

import pytest
from django.utils import timezone

from openbmis.audit.models import AuditEvent
from openbmis.core import retention, schedule, tasks

pytestmark = pytest.mark.django_db


def test_next_run_is_the_next_occurrence_of_the_time(settings):
    settings.TIME_ZONE = "UTC"
    before = datetime(2026, 3, 1, 0, 10, tzinfo=UTC)
    after = datetime(2026, 3, 1, 0, 40, tzinfo=UTC)
    assert schedule.next_run(before, time(0, 30)) == datetime(2026, 3, 1, 0, 30, tzinfo=UTC)
    assert schedule.next_run(after, time(0, 30)) == datetime(2026, 3, 2, 0, 30, tzinfo=UTC)
    # exactly at the time: the next day's run (this one is running)
    assert schedule.next_run(datetime(2026, 3, 1, 0, 30, tzinfo=UTC), time(0, 30)).day == 2


def test_every_registered_daily_job_is_queued_once():
    from django_tasks_db.models import DBTaskResult

    paths = {daily.job.module_path for daily in schedule.registered()}
    assert {"openbmis.core.tasks.retention_job", "openbmis.permits.tasks.detect_overstays_job"} <= paths
    assert set(schedule.ensure_all()) == paths
    assert schedule.ensure_all() == []
    queued = DBTaskResult.objects.filter(task_path__in=paths)
    assert queued.count() == len(paths)
    assert all(row.run_after > timezone.now() and row.args_kwargs["kwargs"] == {"reschedule": True}
               for row in queued)


def test_an_unregistered_job_cannot_be_queued_as_daily():
    from openbmis.audit.tasks import verify_audit_chain

    with pytest.raises(LookupError, match="not registered"):
        schedule.queue_next(verify_audit_chain)


def test_retention_runs_each_purger_and_audits_only_what_it_deleted(monkeypatch):
    calls: list[datetime] = []

    def nothing(now: datetime) -> dict[str, int]:
        calls.append(now)
        return {"rows": 0}

    def some(now: datetime) -> dict[str, int]:
        calls.append(now)
        return {"rows": 3, "others": 1}

    monkeypatch.setattr(retention, "_PURGERS", {"a-nothing": nothing, "b-some": some})
    monkeypatch.setattr(retention, "_RULES", {})  # the declared rules: tests/retention
    counts = tasks.retention_job.call()
    assert counts == {"a-nothing": {"rows": 0}, "b-some": {"rows": 3, "others": 1}}
    assert len(calls) == 2
    events = list(AuditEvent.objects.filter(action="retention.purge"))
    assert [(e.object_id, e.after) for e in events] == [("b-some", {"rows": 3, "others": 1})]
