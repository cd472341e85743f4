"""Background jobs of permits (run by ``openbmis worker``): overstay detection, daily and on demand."""

from __future__ import annotations

from datetime import time
from typing import Any

from django_tasks import task

# When the daily run happens (installation time zone): just after midnight, when yesterday's last
# permitted day has ended everywhere the installation's posts are.
DAILY_AT = time(0, 30)


@task()
def detect_overstays_job(reschedule: bool = False) -> dict[str, Any]:
    """Run the overstay detection; with ``reschedule``, queue the next daily run first."""
    from openbmis.core import installation, schedule
    from openbmis.permits import services

    if reschedule:
        schedule.queue_next(detect_overstays_job)
    if not installation.is_hq():
        return {"skipped": f"overstay detection runs at headquarters, not at {installation.configured()}"}
    return services.detect_overstays().as_dict()


def run_now() -> str:
    """Queue a run on demand; returns the task result id."""
    return str(detect_overstays_job.enqueue().id)
