"""The worker's exchange loop at a node: started by ``start_if_node`` on the interval, one exchange at a time
(a lock shared with ``openbmis sync``), stopped cleanly. The exchange is the real one, at a node that is not
enrolled: it answers status 2, which each turn logs on one line."""

from __future__ import annotations

import logging
import threading
import time

from openbmis.network import worker


def _lines(caplog, text):
    return sum(text in r.getMessage() for r in caplog.records if r.name == "openbmis.network.worker")


def _wait_for(predicate, seconds=20):
    deadline = time.monotonic() + seconds
    while not predicate():
        assert time.monotonic() < deadline
        time.sleep(0.02)


def test_the_worker_starts_the_loop_at_a_node_and_stops_it_cleanly(transactional_db, settings, caplog):
    caplog.set_level(logging.INFO, logger="openbmis.network.worker")
    settings.OPENBMIS_INSTALLATION = "bcp:TST-A"
    settings.OPENBMIS_SYNC_INTERVAL = 0.05
    exchanger = worker.start_if_node()
    assert exchanger is not None and exchanger.thread.is_alive()
    _wait_for(lambda: _lines(caplog, "sync: status 2") >= 3)
    assert exchanger.stop(timeout=10)
    after = _lines(caplog, "sync: status 2")
    time.sleep(0.2)
    assert _lines(caplog, "sync: status 2") == after  # stopped: no more exchanges
    # One line per exchange, without personal data: status, counts and the reason.
    line = next(r.getMessage() for r in caplog.records if "sync: status 2" in r.getMessage())
    assert line.startswith("sync: status 2, pushed 0, acked 0, pulled 0, backlog 0") and "not enrolled" in line


def test_one_exchange_at_a_time_the_loop_skips_its_turn_while_another_runs(transactional_db, settings, caplog):
    caplog.set_level(logging.INFO, logger="openbmis.network.worker")
    settings.OPENBMIS_INSTALLATION = "bcp:TST-A"
    stop = threading.Event()
    runs: list[int] = []
    with worker.exclusive() as held:  # as `openbmis sync` holds it during its exchange
        assert held
        thread = threading.Thread(target=lambda: runs.append(worker.exchange_every(0.02, stop)))
        thread.start()
        _wait_for(lambda: _lines(caplog, "this turn is skipped") >= 3)
        assert _lines(caplog, "sync: status") == 0
        with worker.exclusive(blocking=False) as second:
            assert not second  # a second holder is refused while the first holds it
    _wait_for(lambda: _lines(caplog, "sync: status 2") >= 2)  # released: the loop exchanges again
    stop.set()
    thread.join(timeout=10)
    assert not thread.is_alive() and runs and runs[0] == _lines(caplog, "sync: status 2")


def test_a_lock_per_node_database(settings):
    ours = settings.DATABASES["default"]
    assert worker.lock_path() == worker.lock_path(dict(ours))
    assert worker.lock_path({**ours, "NAME": "another-node.sqlite3"}) != worker.lock_path()
