"""The server's log lines follow ``sys.stderr`` as it is when they are written, not as it was at start-up."""

from __future__ import annotations

import io
import logging
import sys


def test_openbmis_lines_go_to_the_current_stderr(monkeypatch):
    first, second = io.StringIO(), io.StringIO()
    monkeypatch.setattr(sys, "stderr", first)
    logging.getLogger("openbmis.test").info("first line")
    assert "INFO openbmis.test first line" in first.getvalue()
    monkeypatch.setattr(sys, "stderr", second)
    first.close()  # the stream the handler saw before is gone, as a test runner's capture file is
    logging.getLogger("openbmis.test").warning("second line")
    assert second.getvalue().endswith("WARNING openbmis.test second line\n")


def test_request_errors_follow_stderr_too(monkeypatch):
    replaced = io.StringIO()
    monkeypatch.setattr(sys, "stderr", replaced)
    logging.getLogger("django.request").error("a request failed")
    assert "ERROR django.request a request failed" in replaced.getvalue()
