"""The overstay CSV export neutralises a traveller name that reads as a spreadsheet formula."""

from __future__ import annotations

import csv
import io


def test_overstay_csv_neutralises_formula_names(rule, past_crossing, mrz_for, make_user, session_client):
    from openbmis.permits import services
    from openbmis.travellers.models import Traveller

    rule("KEN", "exempt")
    crossing = past_crossing(mrz_for(document_number="A0000009", primary_identifier="OVER"), "entry",
                             days_ago=40, permitted_days=30)
    # A hand-typed name reaches the identity as typed (the API accepts any text in a name).
    Traveller.objects.filter(pk=crossing.traveller_id).update(primary_identifier='=HYPERLINK("http://x.example")')
    assert services.detect_overstays().overstaying == 1
    analyst = make_user("analyst", None)
    analyst.can_view_identities = True
    analyst.save(update_fields=["can_view_identities"])
    response = session_client(analyst).get("/overstays/export.csv")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    surnames = [row[1] for row in rows[1:]]
    assert surnames == ['\'=HYPERLINK("http://x.example")']
