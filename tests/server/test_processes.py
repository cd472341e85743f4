"""`openbmis serve --processes N`: N waitress processes share the port under a parent that replaces one that
ends, stops them all on SIGTERM, and whose children stop when it is gone."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from tests.server.attack_server import served

pytestmark = [pytest.mark.xdist_group("live_server"), pytest.mark.slow,
              pytest.mark.skipif(not hasattr(os, "fork"), reason="--processes needs fork")]


def _children(pid: int) -> set[int]:
    return {int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()}


def _wait_for(condition, seconds: float = 15.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return Path(f"/proc/{pid}").exists() and "Z" not in Path(f"/proc/{pid}/stat").read_text().split(")")[1][:3]


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="reads the process tree from /proc")
def test_two_processes_serve_and_one_that_dies_is_replaced(tmp_path):
    with served(tmp_path, serve_args=("--processes", "2")) as live:
        assert _wait_for(lambda: len(_children(live.pid)) == 2)
        first = _children(live.pid)
        statuses = {live.call("GET", "/api/me", role="primary_officer")[0] for _ in range(20)}
        assert statuses == {200}
        os.kill(min(first), signal.SIGKILL)
        assert _wait_for(lambda: len(_children(live.pid)) == 2 and _children(live.pid) != first)
        assert live.call("GET", "/api/me", role="primary_officer")[0] == 200
        now = _children(live.pid)
        os.kill(live.pid, signal.SIGTERM)  # the parent stops every child, then itself
        assert _wait_for(lambda: not _alive(live.pid) and not any(_alive(pid) for pid in now))


def test_children_leave_when_the_parent_is_killed(tmp_path):
    with served(tmp_path, serve_args=("--processes", "2")) as live:
        assert _wait_for(lambda: len(_children(live.pid)) == 2)
        children = _children(live.pid)
        os.kill(live.pid, signal.SIGKILL)  # no chance to stop them: they notice the parent is gone
        assert _wait_for(lambda: not any(_alive(pid) for pid in children))


def test_processes_below_one_are_refused():
    run = subprocess.run([sys.executable, "-m", "openbmis.cli.main", "serve", "--processes", "0"],
                         capture_output=True, text=True, timeout=60, check=False)
    assert run.returncode == 2 and "--processes must be at least 1" in run.stderr
