"""The worker at a border-post node exchanges with headquarters on an interval (``OPENBMIS_SYNC_INTERVAL``).

One exchange at a time per node database, across processes too: the worker's loop and ``openbmis sync`` take
the same lock file (``exclusive``); the loop skips a turn while another exchange runs, the command waits for it.
"""

from __future__ import annotations

import fcntl
import hashlib
import logging
import os
import tempfile
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import close_old_connections, connection

from openbmis.core import installation

log = logging.getLogger(__name__)


def lock_path(db: dict[str, Any] | None = None) -> str:
    """The lock file of this node's database (two installations on one machine do not share it)."""
    config: dict[str, Any] = dict(settings.DATABASES["default"] if db is None else db)
    key = "|".join(str(config.get(part, "")) for part in ("ENGINE", "HOST", "PORT", "NAME"))
    return os.path.join(tempfile.gettempdir(), f"openbmis-sync-{hashlib.sha256(key.encode()).hexdigest()[:16]}.lock")


@contextmanager
def exclusive(blocking: bool = True) -> Iterator[bool]:
    """Hold the node's exchange lock; yields False (without waiting) when not ``blocking`` and it is held."""
    with open(lock_path(), "a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | (0 if blocking else fcntl.LOCK_NB))
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


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
                with exclusive(blocking=False) as mine:
                    if not mine:
                        log.info("sync: another exchange is running; this turn is skipped")
                    else:
                        report = exchange()
                        runs += 1
                        log.info("sync: status %s, pushed %s, acked %s, pulled %s, backlog %s%s", report.status,
                                 report.pushed, report.acked, report.pulled, report.backlog,
                                 f" ({'; '.join(report.messages)[:300]})" if report.messages else "")
            except Exception:  # noqa: BLE001 - the worker keeps exchanging; the next run retries
                log.exception("sync: the exchange failed")
            stop.wait(interval)
    finally:
        connection.close()
    return runs


@dataclass
class Exchanger:
    """The worker's exchange loop in its background thread."""

    thread: threading.Thread
    stop_event: threading.Event

    def stop(self, timeout: float = 60) -> bool:
        """Ask the loop to stop and wait for the exchange under way to end; True when the thread has ended."""
        self.stop_event.set()
        self.thread.join(timeout)
        return not self.thread.is_alive()


def start_if_node(interval: float | None = None) -> Exchanger | None:
    """At a border-post node with an interval set: the exchange loop in a background thread of the worker."""
    interval = float(settings.OPENBMIS_SYNC_INTERVAL if interval is None else interval)
    if installation.is_hq() or interval <= 0:
        return None
    stop = threading.Event()
    thread = threading.Thread(target=exchange_every, args=(interval, stop), name="openbmis-sync", daemon=True)
    thread.start()
    log.info("sync: exchanging with headquarters every %s s", interval)
    return Exchanger(thread, stop)
