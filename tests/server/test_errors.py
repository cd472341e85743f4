"""Errors and logs as clients and operators meet them: JSON for API clients, each log line once."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize("path", ["/api/no-such-endpoint", "/api/inspections/x/y/z", "/api/"])
def test_an_unknown_api_route_answers_json_in_development_mode_too(client, db, settings, path):
    settings.DEBUG = True
    response = client.get(path)
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["code"] == "not_found" and path in response.json()["detail"]


def test_our_log_lines_are_printed_once():
    """The root logger gets a handler from waitress (and test runners): ours must not propagate to it too."""
    import logging

    assert logging.getLogger("openbmis").propagate is False
    assert logging.getLogger("openbmis").handlers
