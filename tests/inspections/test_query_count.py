"""The primary inspection's database round trips are counted, so that a new one is a decision, not an accident.

Savepoints are left out of the count: checks run inside one only when the caller already holds a transaction
(as the test database does); a request at the counter runs them in autocommit.
"""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

#: The statements of one primary inspection of a known traveller, no manifest, no hit (see the list below).
BUDGET = 16


def _statements(ctx: CaptureQueriesContext) -> list[str]:
    return [q["sql"] for q in ctx.captured_queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))]


def test_primary_inspection_round_trips(inspect, mrz_for):
    assert inspect(mrz=mrz_for()).status_code == 201  # first sight: the traveller is registered
    with CaptureQueriesContext(connection) as ctx:
        response = inspect(mrz=mrz_for())
    assert response.status_code == 201, response.content
    statements = _statements(ctx)
    # token, post, roles, document, history, watchlist freshness, residence permit, visa rule,
    # visa, entry ban, manifest, document fraud alerts (issue 18), inspection insert, audit head, audit insert,
    # audit head update (a retry is found by the unique client_id at the insert, not by a query first)
    assert len(statements) <= BUDGET, "\n".join(s[:160] for s in statements)
