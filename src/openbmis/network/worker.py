"""The worker at a border-post node exchanges with headquarters on an interval (``OPENBMIS_SYNC_INTERVAL``)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import close_old_connections, connection

from openbmis.core import installation

log = logging.getLogger(__name__)


def exchange_every(interval: float, stop: threading.Event, exchange: Callable[[], Any] | None = None) -> int:
    """Run one exchange at once, then one every ``interval`` seconds, one at a time, until ``stop`` is set; each
    logged on one line (status and counts, no personal data). The number of exchanges run."""
    if exchange is None:
        from openbmis.network import client

        exchange = client.sync
    runs = 0
    try:
        while not stop.is_set():
            close_old_connections()
            try:
                report = exchange()
                log.info("sync: status %s, pushed %s, acked %s, pulled %s, backlog %s%s", report.status,
                         report.pushed, report.acked, report.pulled, report.backlog,
                         f" ({'; '.join(report.messages)[:300]})" if report.messages else "")
            except Exception:  # noqa: BLE001 - the worker keeps exchanging; the next run retries
                log.exception("sync: the exchange failed")
            runs += 1
            stop.wait(interval)
    finally:
        connection.close()
    return runs


def start_if_node() -> threading.Thread | None:
    """At a border-post node with an interval set: the exchange loop in a background thread of the worker."""
    interval = float(settings.OPENBMIS_SYNC_INTERVAL)
    if installation.is_hq() or interval <= 0:
        return None
    stop = threading.Event()
    thread = threading.Thread(target=exchange_every, args=(interval, stop), name="openbmis-sync", daemon=True)
    thread.start()
    log.info("sync: exchanging with headquarters every %s s", interval)
    return thread
