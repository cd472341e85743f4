"""Background jobs of the core (run by ``openbmis worker``): the daily retention run."""

from __future__ import annotations

from datetime import time
from typing import Any

from django_tasks import task

# After the overstay detection (00:30), so that a stay ended today is still counted before anything old
# is deleted.
RETENTION_AT = time(1, 30)


@task()
def retention_job(reschedule: bool = False) -> dict[str, Any]:
    """Delete what has been kept past its retention period (see openbmis.core.retention)."""
    from openbmis.core import retention, schedule

    if reschedule:
        schedule.queue_next(retention_job)
    return retention.purge()
