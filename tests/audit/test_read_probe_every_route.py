"""The read-audit probe over every route (issue 14): each page and each API ``GET`` of the product is called, on
the demo data set, by every demo user; wherever the answer shows a traveller's document number, the request
must have left an access event naming the reader. No list of "personal-data endpoints" to keep up to date: a
new route that shows a traveller is found by what it shows.

Routes whose path parameters the probe cannot fill are listed by the test that fails on them, so that a new
route is either probed or consciously set aside in ``UNPROBED`` with its reason.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from openbmis.audit.models import AuditEvent

pytestmark = pytest.mark.xdist_group("read-probe")

# Path parameters the probe does not fill, with the reason.
UNPROBED: dict[str, str] = {
    "/network/<uuid:node_id>/revoke/": "a border-post node: no traveller (the demo enrols none)",
    "/statistics/report/<int:report_id>/": "a monthly report: figures with small cells suppressed, no person",
    "/trust/entries/<uuid:entry_id>/": "a country signing certificate: no person",
    "/trust/entries/<uuid:entry_id>/expire/": "the same",
    "/trust/entries/<uuid:entry_id>/remove/": "the same",
    "/trust/imports/<uuid:import_id>/": "an import of country signing certificates: no person",
    "/travellers/rectifications/<uuid:rectification_id>/approve": "POST only (a decision; a GET is refused); the "
                                                                  "queue that shows the requests is probed",
    "/travellers/rectifications/<uuid:rectification_id>/reject": "the same",
}
# Routes that show document numbers that are not travellers' (the probe still calls them), with the reason.
NOT_TRAVELLER_READS = {
    "/watchlists/<uuid:watchlist_id>/": "a watchlist's entries: the listed persons and stolen or lost documents "
                                        "(the demo lists a test traveller's passport as stolen)",
    "/watchlists/imports/<uuid:import_id>/": "the same entries, in the import that brought them",
    "/api/watchlists/imports/{import_id}": "the same, over the API",
}
PARAM = re.compile(r"<(?:(?P<converter>[a-z_]+):)?(?P<name>[a-z_]+)>|\{(?P<api>[a-z_]+)\}")


def _pages(resolvers: list[Any], prefix: str = "") -> Iterator[str]:
    for entry in resolvers:
        if isinstance(entry, URLResolver):
            route = str(entry.pattern)
            if route.startswith("api/") or route.startswith("^api") or route.startswith("i18n/"):
                continue
            yield from _pages(entry.url_patterns, prefix + route)
        elif isinstance(entry, URLPattern):
            route = str(entry.pattern)
            if route.startswith("^"):
                continue  # the API's catch-all 404s
            yield "/" + prefix + route


def _api_gets(client: Any) -> list[str]:
    schema = client.get("/api/openapi.json").json()
    return [path for path, operations in schema["paths"].items() if "get" in operations]


# Which record fills a path parameter: (route prefix, parameter) -> (model label, field), the prefix "" for any.
SOURCES: dict[tuple[str, str], tuple[str, str]] = {
    ("", "inspection_id"): ("inspections.Inspection", "id"),
    ("", "traveller_id"): ("travellers.Traveller", "id"),
    ("", "referral_id"): ("inspections.Referral", "id"),
    ("", "note_id"): ("inspections.ReferralNote", "id"),
    ("", "hit_id"): ("watchlists.Hit", "id"),
    ("", "crossing_id"): ("inspections.Crossing", "id"),
    ("", "document_id"): ("travellers.TravelDocument", "id"),
    ("", "event_id"): ("audit.AuditEvent", "id"),
    ("", "assessment_id"): ("capacity.Assessment", "id"),
    ("", "session_id"): ("capacity.TrainingSession", "id"),
    ("", "number"): ("capacity.Certificate", "number"),
    ("", "model_id"): ("documents.DocumentModel", "id"),
    ("/documents/images/alert/", "image_id"): ("documents.AlertImage", "id"),
    ("/documents/images/examination/", "image_id"): ("documents.ExaminationImage", "id"),
    ("/documents/images/reference/", "image_id"): ("documents.ReferenceImage", "id"),
    ("", "manifest_id"): ("manifests.Manifest", "id"),
    ("", "ban_id"): ("permits.EntryBan", "id"),
    ("", "rule_id"): ("permits.VisaPolicyRule", "id"),
    ("", "report_id"): ("statistics.MonthlyReport", "id"),
    ("", "entry_id"): ("trust.TrustEntry", "id"),
    ("/trust/", "import_id"): ("trust.TrustImport", "id"),
    ("/watchlists/", "import_id"): ("watchlists.WatchlistImport", "id"),
    ("/api/watchlists/", "import_id"): ("watchlists.WatchlistImport", "id"),
    ("", "watchlist_id"): ("watchlists.Watchlist", "id"),
    ("", "node_id"): ("network.Node", "id"),
    ("", "token_id"): ("accounts.ApiToken", "id"),
    ("", "username"): ("accounts.User", "username"),
    ("", "hold_id"): ("retention.LegalHold", "id"),
}
FIXED = {"code": "AIR-CAP", "panel": "nationality"}


def _value(route: str, name: str) -> str | None:
    """The value of one path parameter, from the demo data (a record that concerns a traveller first)."""
    from django.apps import apps

    if name in FIXED:
        return FIXED[name]
    key = max((k for k in SOURCES if k[1] == name and route.startswith(k[0])), key=lambda k: len(k[0]), default=None)
    if key is None:
        return None
    label, field = SOURCES[key]
    model = apps.get_model(label)
    rows = model.objects.all()
    if any(f.name == "traveller" for f in model._meta.get_fields()):
        rows = rows.filter(traveller__isnull=False)
    value = rows.order_by("-pk").values_list(field, flat=True).first()
    return None if value is None else str(value)


def _concrete(route: str) -> str | None:
    missing = False

    def fill(match: re.Match[str]) -> str:
        nonlocal missing
        value = _value(route, match.group("name") or match.group("api"))
        if value is not None:
            return value
        missing = True
        return ""

    path = PARAM.sub(fill, route)
    return None if missing else path


def _document_numbers() -> set[str]:
    """The document numbers of every traveller and every passenger announced by a manifest."""
    from openbmis.manifests.models import ManifestPerson
    from openbmis.travellers.models import TravelDocument

    held = set(TravelDocument.objects.values_list("number", flat=True))
    held |= set(ManifestPerson.objects.values_list("document_number", flat=True))
    return {n for n in held if len(n) >= 6}


# Routes whose every answer is personal data, whatever its bytes (images of a traveller's documents, a printed
# form whose text a PDF compresses).
ALWAYS_PERSONAL = {"/secondary/notes/<uuid:note_id>/image", "/documents/images/examination/<uuid:image_id>",
                   "/inspect/<uuid:inspection_id>/chip-photo", "/inspect/<uuid:inspection_id>/refusal-form"}
def _png() -> bytes:
    from io import BytesIO

    from PIL import Image

    out = BytesIO()
    Image.new("RGB", (8, 8), "white").save(out, "PNG")
    return out.getvalue()


@pytest.fixture
def demo(db, fast_hasher, client, bearer):
    """The demo data set, and what it lacks for the probe: a traveller on the alert list inspected and referred
    (a hit, a referral with a note and its image), an entry ban on him, and a manifest that names him."""
    from tests.manifests.helpers import PASSENGERS, manifest_text

    from openbmis.accounts.models import User
    from openbmis.demo import seed
    from openbmis.demo.test_travellers import TEST_TRAVELLERS
    from openbmis.inspections import services as inspections
    from openbmis.inspections.models import Inspection
    from openbmis.permits import services as permits

    seed.load(crossings=300)
    officer = User.objects.get(username="officer")
    listed = next(t for t in TEST_TRAVELLERS if t.key == "watchlist")
    headers = bearer(officer)
    made = client.post("/api/inspections", {"border_post": "AIR-CAP", "direction": "entry", "client_id": str(uuid.uuid4()),
                                            "mrz": listed.mrz()}, content_type="application/json", headers=headers)
    assert made.status_code == 201, made.content
    inspection = Inspection.objects.get(id=made.json()["id"])
    referred = client.post(f"/api/inspections/{inspection.id}/decision", {"decision": "refer", "note": "probe"},
                           content_type="application/json", headers=headers)
    assert referred.status_code == 200, referred.content
    inspections.add_referral_note(User.objects.get(username="supervisor"), inspection.referral, text="page 2",
                                  image=_png())
    from openbmis.documents import services as documents

    documents.record_examination(User.objects.get(username="examiner"), inspection, verdict="counterfeit",
                                 disposition="retained", findings=[{"feature": "UV", "finding": "dull"}],
                                 images=[(_png(), "uv", "upload")])
    permits.impose_ban(User.objects.get(username="admin"), traveller=inspection.traveller, starts_on=date.today(),
                       reason="probe")
    from openbmis.retention import services as retention

    retention.place_hold(User.objects.get(username="auditor"), inspection.traveller_id, "probe: litigation")
    from openbmis.accounts import services as accounts
    from openbmis.manifests import services as manifests

    account = accounts.create_user("test", username="ua-system", password="pw-for-tests-1", validate=False)
    manifests.register_carrier("test", code="UA", name="United", account=account)
    upload = client.post("/api/manifests", manifest_text(PASSENGERS), content_type="application/edifact",
                         headers=bearer(account, scopes=["manifests:submit"]))
    assert upload.status_code == 201, upload.content


def test_every_route_that_shows_a_traveller_records_the_read(demo, client, bearer, session_client):
    from openbmis.accounts.models import User

    numbers = _document_numbers()
    assert numbers, "the demo data set has travellers"
    users = list(User.objects.filter(username__in=["officer", "secondary", "supervisor", "analyst", "admin",
                                                   "auditor", "examiner", "docexpert"]).order_by("username"))
    tokens = {u.username: bearer(u) for u in users}
    routes = [("page", r) for r in sorted(set(_pages(get_resolver().url_patterns)))]
    routes += [("api", r) for r in sorted(set(_api_gets(client)))]
    unfilled, unlogged, shown = [], [], []
    for kind, route in routes:
        path = _concrete(route)
        if path is None:
            if route not in UNPROBED:
                unfilled.append(route)
            continue
        for user in users:
            before = AuditEvent.objects.filter(action__startswith="access.", actor_label=user.username).count()
            if kind == "page":
                response = session_client(user).get(path)
            else:
                client.logout()
                response = client.get(path, headers=tokens[user.username])
            if response.status_code != 200:
                continue
            raw = b"".join(response.streaming_content) if response.streaming else response.content
            body = raw.decode(errors="replace")
            if route in NOT_TRAVELLER_READS:
                continue
            if route not in ALWAYS_PERSONAL and not any(n in body for n in numbers):
                continue
            shown.append((route, user.username))
            after = AuditEvent.objects.filter(action__startswith="access.", actor_label=user.username).count()
            if after == before:
                unlogged.append(f"{route} as {user.username}")
    # the probe sees travellers where they are sure to be, or it would pass whatever the product does
    seen = {route for route, _ in shown}
    assert {"/hits/<uuid:hit_id>/", "/inspect/<uuid:inspection_id>/", "/api/travellers/{traveller_id}",
            "/secondary/notes/<uuid:note_id>/image"} <= seen, sorted(seen)
    assert not unlogged, "reads of travellers with no access event:\n" + "\n".join(unlogged)
    assert not unfilled, "routes the probe cannot fill (add their parameters or UNPROBED):\n" + "\n".join(unfilled)
