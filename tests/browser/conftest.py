"""Browser tests: the fixtures (browser, page, screenshots) are in tests/conftest.py."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def refusal_reasons(request):
    """The default refusal grounds come from a data migration; a live-server test before this one flushes
    every table, so each browser test puts them back (as every installation has them)."""
    if "live_server" not in request.fixturenames:
        return
    request.getfixturevalue("transactional_db")
    from openbmis.inspections.models import RefusalReason
    from openbmis.inspections.services import DEFAULT_REFUSAL_REASONS

    for code, label in DEFAULT_REFUSAL_REASONS:
        RefusalReason.objects.get_or_create(code=code, defaults={"label": label})
