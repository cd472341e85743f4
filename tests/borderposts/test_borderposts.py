"""Border posts: validation names the field, nothing half-applied, administrators edit in the UI."""

from __future__ import annotations

import json

import pytest

from openbmis.audit.models import AuditEvent
from openbmis.borderposts import services
from openbmis.borderposts.models import BorderPost, Lane
from openbmis.core.errors import Conflict, InvalidInput

VALID = {"name": "Sea gate", "kind": "sea", "country": "UTO", "time_zone": "Africa/Nairobi"}
FORM = {**VALID, "status": "active"}  # what the browser sends: the select has a value


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"kind": "space"}, "kind"),
        ({"country": "utopia"}, "country"),
        ({"time_zone": "Mars/Base"}, "time_zone"),
        ({"latitude": "95"}, "latitude"),
        ({"status": "open-ish"}, "status"),
    ],
)
def test_invalid_fields_are_named(db, changes, field):
    with pytest.raises(InvalidInput) as excinfo:
        services.create_border_post("test", code="SEA-X", **{**VALID, **changes})
    assert excinfo.value.field == field
    assert not BorderPost.objects.filter(code="SEA-X").exists()


def test_bad_code_and_duplicate(db):
    with pytest.raises(InvalidInput) as excinfo:
        services.create_border_post("test", code="a b", **VALID)
    assert excinfo.value.field == "code"
    services.create_border_post("test", code="SEA-X", **VALID)
    with pytest.raises(Conflict):
        services.create_border_post("test", code="sea-x", **VALID)


def test_bad_lane_changes_nothing(two_posts):
    post = two_posts[0]
    before_events = AuditEvent.objects.count()
    with pytest.raises(InvalidInput, match="lane 2"):
        services.update_border_post("test", post, name="New name",
                                    lanes=[{"code": "B1", "direction": "entry"}, {"code": "B2", "direction": "up"}])
    post.refresh_from_db()
    assert post.name == "Post A"
    assert list(Lane.objects.filter(border_post=post).values_list("code", flat=True)) == ["A1"]
    assert AuditEvent.objects.count() == before_events


def test_lanes_are_replaced_and_audited(two_posts):
    post = two_posts[0]
    services.update_border_post("test", post, lanes=[{"code": "A1", "direction": "both"},
                                                     {"code": "X9", "direction": "exit"}])
    assert sorted(post.lanes.values_list("code", "direction")) == [("A1", "both"), ("X9", "exit")]
    event = AuditEvent.objects.filter(action="borderpost.update").latest("seq")
    assert event.before["lanes"] == [{"code": "A1", "direction": "entry", "active": True}]


def test_no_change_writes_no_event(two_posts):
    before = AuditEvent.objects.count()
    services.update_border_post("test", two_posts[0], name="Post A")
    assert AuditEvent.objects.count() == before


def test_api_bad_input_is_422_and_names_the_field(client, make_user, bearer, db):
    headers = bearer(make_user("administrator"))
    response = client.post("/api/border-posts", json.dumps({**VALID, "code": "SEA-Y", "time_zone": "Nowhere"}),
                           content_type="application/json", headers=headers)
    assert response.status_code == 422
    assert response.json()["field"] == "time_zone"
    response = client.post("/api/border-posts", "{not json", content_type="application/json", headers=headers)
    assert response.status_code in (400, 422)
    response = client.post("/api/border-posts", json.dumps({"code": "SEA-Y"}), content_type="application/json",
                           headers=headers)
    assert response.status_code == 422
    assert "name" in response.json()["detail"]
    assert not BorderPost.objects.filter(code="SEA-Y").exists()


def test_api_unknown_post_is_404(client, make_user, bearer, db):
    response = client.get("/api/border-posts/NOPE", headers=bearer(make_user("administrator")))
    assert response.status_code == 404
    assert "NOPE" in response.json()["detail"]


def test_administrator_creates_and_edits_in_the_ui(session_client, make_user, db):
    client = session_client(make_user("administrator"))
    response = client.post("/border-posts/new/", {**FORM, "code": "SEA-Z", "lanes_text": "S1 entry\nS2 exit"})
    assert response.status_code == 302
    post = BorderPost.objects.get(code="SEA-Z")
    assert sorted(post.lanes.values_list("code", flat=True)) == ["S1", "S2"]
    response = client.post("/border-posts/SEA-Z/edit/", {**FORM, "code": "SEA-Z", "name": "Renamed",
                                                         "lanes_text": "S1 both"})
    assert response.status_code == 302
    event = AuditEvent.objects.filter(action="borderpost.update", object_label="SEA-Z").get()
    assert event.before["name"] == "Sea gate" and event.after["name"] == "Renamed"
    response = client.post("/border-posts/SEA-Z/edit/", {**FORM, "code": "SEA-Z", "lanes_text": "S1 sideways"})
    assert response.status_code == 400
    assert b"lane 1" in response.content
