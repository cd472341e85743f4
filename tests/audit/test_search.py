"""Auditors search the trail by actor, action, object, post and period (API and page share one search)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from openbmis.audit import services


def _events():
    services.record(actor="alice", action="borderpost.create", object_type="border_post", object_label="SEA-1",
                    border_post_code="SEA-1")
    services.record(actor="bob", action="token.create", object_type="api_token", object_label="bob/etl")


def test_api_filters(client, make_user, bearer):
    _events()
    headers = bearer(make_user("auditor"))
    rows = client.get("/api/audit/events?action=borderpost.&border_post=sea-1", headers=headers).json()
    assert [(r["actor"], r["object_label"]) for r in rows] == [("alice", "SEA-1")]
    assert [r["actor"] for r in client.get("/api/audit/events?actor=bob", headers=headers).json()] == ["bob"]
    later = (timezone.now() + timedelta(days=1)).isoformat()
    assert client.get("/api/audit/events", {"from": later}, headers=headers).json() == []
    earlier = (timezone.now() - timedelta(days=1)).isoformat()
    response = client.get("/api/audit/events", {"from": later, "to": earlier}, headers=headers)
    assert response.status_code == 422 and response.json()["field"] == "from"


def test_page_filters_and_names_a_bad_period(session_client, make_user):
    _events()
    client = session_client(make_user("auditor"))
    page = client.get("/audit/?object=etl").content.decode()
    assert "bob/etl" in page and "SEA-1" not in page
    today = timezone.now().date()
    response = client.get(f"/audit/?from={today + timedelta(days=1)}&to={today}")
    assert response.status_code == 400 and "after" in response.content.decode()
    assert client.get(f"/audit/?from={today}&to={today}&actor=alice").content.decode().count("SEA-1") >= 1
