"""A traveller's record over the API: documents and timeline from the reader's posts only, every read audited."""

from __future__ import annotations

from openbmis.audit.models import AuditEvent


def test_traveller_timeline_respects_post_scope(inspect, decide, mrz_for, make_user, two_posts, client, bearer):
    data = inspect(mrz=mrz_for()).json()
    decide(data["id"], decision="admit")
    officer_b = make_user("primary_officer", two_posts[1])
    other = inspect(user=officer_b, border_post="TST-B", mrz=mrz_for(document_number="B0000001",
                                                                      primary_identifier="OTHER")).json()
    decide(other["id"], user=officer_b, decision="admit")
    officer_a = make_user("primary_officer", two_posts[0])
    assert client.get(f"/api/travellers/{other['traveller']['id']}", headers=bearer(officer_a)).status_code == 404
    page = client.get(f"/api/travellers/{data['traveller']['id']}", headers=bearer(officer_a)).json()
    assert page["in_country"] is True
    assert [e["kind"] for e in page["timeline"]] == ["crossing.admit"]
    assert page["history_elsewhere"] is False
    assert [d["number"] for d in page["documents"]] == [data["document"]["number"]]
    assert set(page) == {"id", "primary_identifier", "secondary_identifier", "birth_date", "nationality", "sex",
                         "documents", "in_country", "timeline", "history_elsewhere"}
    read = AuditEvent.objects.filter(action__startswith="access.").order_by("-seq").first()
    assert read.after["purpose"] == "api:get_traveller" and read.actor_label == officer_a.username
    assert client.get(f"/api/travellers/{data['traveller']['id']}", headers=bearer(make_user("analyst"))
                      ).status_code == 403
