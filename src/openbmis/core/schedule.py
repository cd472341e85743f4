"""Daily background jobs: each app registers its job once; the worker queues every one at start, and
each run queues the next, so a daily job keeps running without anyone pressing a button.

A daily job is a django-tasks task that takes ``reschedule: bool``: when true it first queues its next
run (``queue_next``) and then does its work, so a failed run does not break the cycle.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

from django.utils import timezone


@dataclass(frozen=True)
class Daily:
    job: Any  # a django_tasks Task taking ``reschedule``
    at: time  # installation time zone


_DAILY: dict[str, Daily] = {}


def register_daily(job: Any, at: time) -> None:
    """Run ``job`` every day at ``at`` (installation time zone), once the worker has started."""
    _DAILY[job.module_path] = Daily(job, at)


def registered() -> list[Daily]:
    return sorted(_DAILY.values(), key=lambda daily: (daily.at, daily.job.module_path))


def next_run(now: datetime, at: time) -> datetime:
    """The next ``at`` after ``now``, in the installation time zone."""
    local = timezone.localtime(now)
    run = local.replace(hour=at.hour, minute=at.minute, second=0, microsecond=0)
    if run <= local:
        run += timedelta(days=1)
    return run


def waiting(job: Any) -> bool:
    """Whether a scheduled (future) run of ``job`` is already queued."""
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(task_path=job.module_path, status="READY", run_after__isnull=False).exists()


def queue_next(job: Any, now: datetime | None = None) -> bool:
    """Queue the next daily run of a registered job unless one is waiting; True if it queued one."""
    daily = _DAILY.get(job.module_path)
    if daily is None:
        raise LookupError(f"{job.module_path} is not registered as a daily job")
    if waiting(job):
        return False
    job.using(run_after=next_run(now or timezone.now(), daily.at)).enqueue(reschedule=True)
    return True


def ensure_all(now: datetime | None = None) -> list[str]:
    """Queue every registered daily job that has no run waiting; returns the paths queued."""
    return [daily.job.module_path for daily in registered() if queue_next(daily.job, now)]
