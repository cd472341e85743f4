"""The manifests API: a carrier's token uploads its own flights; the manifest, reconciliation and judgement
endpoints by role, held at the arrival post or nationally (MANIFEST_POLICY of the permission matrix)."""

from __future__ import annotations

import itertools
import json

import pytest

from .helpers import manifest_text

ROLES = ("primary_officer", "secondary_officer", "supervisor", "analyst", "administrator", "auditor",
         "prearrival_officer")
VIEW = {"prearrival_officer", "supervisor", "analyst"}
JUDGE = {"prearrival_officer", "supervisor"}


def test_carrier_token_uploads_raw_interchange(client, bearer, airport, carrier, passengers, watchlist):
    headers = bearer(carrier.account, scopes=["manifests:submit"])
    text = manifest_text(passengers)
    response = client.post("/api/manifests", text, content_type="application/edifact", headers=headers)
    assert response.status_code == 201, response.content
    data = response.json()
    (manifest,) = data["manifests"]
    assert (manifest["carrier"], manifest["flight"], manifest["persons"], manifest["arrival_post"]) == (
        "UA", "UA123", 3, "JFK")
    assert data["errors"] == [] and data["cusres"].startswith("UNA:+.? 'UNB+UNOA:4+OPENBMIS+UA+")
    # a token without the scope, and a flight of another carrier, are refused
    narrow = bearer(carrier.account, scopes=["borderposts:read"])
    response = client.post("/api/manifests", text, content_type="application/edifact", headers=narrow)
    assert response.status_code == 403
    from openbmis.manifests.models import Carrier

    Carrier.objects.create(code="BA", name="British")
    other = manifest_text(passengers, flight="BA100", reference="7")
    response = client.post("/api/manifests", other, content_type="application/edifact", headers=headers)
    assert response.status_code == 403 and response.json()["code"] == "forbidden"


def test_multipart_upload_and_unreadable(client, bearer, airport, carrier, passengers, make_user):
    from django.core.files.uploadedfile import SimpleUploadedFile

    admin = make_user("administrator", None)
    upload = SimpleUploadedFile("m.edi", manifest_text(passengers).encode())
    response = client.post("/api/manifests", {"file": upload}, headers=bearer(admin))
    assert response.status_code == 201, response.content
    response = client.post("/api/manifests", "not edifact", content_type="text/plain", headers=bearer(admin))
    assert response.status_code == 422 and response.json()["field"] == "file"
    cedipax = ("UNB+UNOA:1+X:NZ+USCS:US+020131:2359+1++CEDIPAX'UNH+1+PAXLST:001:000:NZ'UNT+2+1'UNZ+1+1'")
    response = client.post("/api/manifests", cedipax, content_type="text/plain", headers=bearer(admin))
    assert response.status_code == 422 and "CEDIPAX" in response.json()["detail"]


CASES = [(key, role, placement, target)
         for key in ("manifest", "reconciliation", "judgement")
         for role, placement, target in itertools.product(ROLES, ("at_own_post", "national"), ("own", "other"))]


@pytest.mark.parametrize(("key", "role", "placement", "target"), CASES,
                         ids=[f"{k}-{r}-{p}-{t}" for k, r, p, t in CASES])
def test_resource_access(client, bearer, make_user, airport, carrier, watchlist, passengers, key, role, placement,
                         target):
    from openbmis.borderposts import services as borderposts
    from openbmis.manifests import services
    from openbmis.manifests.models import PreArrivalHit

    other_post = borderposts.create_border_post("test", code="LHR", name="Heathrow", kind="air", country="UTO",
                                                time_zone="UTC")
    services.register_airport("test", code="LHR", border_post=other_post)
    own = services.ingest("test", manifest_text(passengers), source="cli").manifests[0]
    text = manifest_text(passengers, flight="UA900", reference="8").replace("+JFK'", "+LHR'")
    other = services.ingest("test", text, source="cli").manifests[0]
    assert other.arrival_post == other_post
    manifest = own if target == "own" else other
    user = make_user(role, airport if placement == "at_own_post" else None)
    if key == "judgement":
        hit = PreArrivalHit.objects.get(person__manifest=manifest)
        response = client.post(f"/api/prearrival/hits/{hit.id}/judgement",
                                json.dumps({"status": "unsure", "reason": "looking"}),
                                content_type="application/json", headers=bearer(user))
        allowed = role in JUDGE and (placement == "national" or target == "own")
    else:
        path = f"/api/manifests/{manifest.id}" + ("/reconciliation" if key == "reconciliation" else "")
        response = client.get(path, headers=bearer(user))
        allowed = role in VIEW and (placement == "national" or target == "own")
    assert response.status_code == (200 if allowed else 403), response.content
    if allowed and key == "manifest":
        persons = response.json()["persons"]
        assert [p["surname"] for p in persons] == ["DOE", "SMITH", "KAMAU"]
        assert persons[0]["hits"][0]["status"] == "pending"


def test_queue_lists_only_posts_in_scope(client, bearer, make_user, airport, carrier, watchlist, passengers):
    from openbmis.manifests import services

    services.ingest("test", manifest_text(passengers), source="cli")
    officer = make_user("prearrival_officer", airport)
    rows = client.get("/api/prearrival/hits?border_post=JFK", headers=bearer(officer)).json()
    assert [(r["person"]["surname"], r["manifest"]["flight"]) for r in rows] == [("DOE", "UA123")]
    elsewhere = make_user("prearrival_officer", None)
    assert len(client.get("/api/prearrival/hits", headers=bearer(elsewhere)).json()) == 1
