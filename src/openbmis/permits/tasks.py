"""Background jobs of permits (run by ``openbmis worker``): overstay detection, daily and on demand."""

from __future__ import annotations

import logging
from datetime import datetime, time, timedelta
from typing import Any

from django.utils import timezone
from django_tasks import task

log = logging.getLogger(__name__)

# When the daily run happens (installation time zone): just after midnight, when yesterday's last
# permitted day has ended everywhere the installation's posts are.
DAILY_AT = time(0, 30)


def next_daily_run(now: datetime) -> datetime:
    local = timezone.localtime(now)
    run = local.replace(hour=DAILY_AT.hour, minute=DAILY_AT.minute, second=0, microsecond=0)
    if run <= local:
        run += timedelta(days=1)
    return run


@task()
def detect_overstays_job(reschedule: bool = False) -> dict[str, Any]:
    """Run the overstay detection; with ``reschedule``, queue the next daily run first."""
    from openbmis.permits import services

    if reschedule:
        schedule_daily()
    return services.detect_overstays().as_dict()


def schedule_daily() -> bool:
    """Queue the next daily run unless one is already waiting. Returns True if it queued one."""
    from django_tasks_db.models import DBTaskResult

    name = f"{detect_overstays_job.module_path}"
    waiting = DBTaskResult.objects.filter(task_path=name, status="READY", run_after__isnull=False).exists()
    if waiting:
        return False
    detect_overstays_job.using(run_after=next_daily_run(timezone.now())).enqueue(reschedule=True)
    return True


def run_now() -> str:
    """Queue a run on demand; returns the task result id."""
    return str(detect_overstays_job.enqueue().id)
