"""Every API endpoint and page x every role x held at our post or nationally x own/other post.

The expected outcome comes from the access policy written below, independently of
openbmis.accounts.roles; a new endpoint that is missing here fails
``test_every_api_operation_is_in_the_matrix``.
"""

from __future__ import annotations

import datetime
import itertools
import json
import re

import pytest

ROLES = ("primary_officer", "secondary_officer", "supervisor", "analyst", "administrator", "auditor")
PLACEMENTS = ("at_own_post", "national")
TARGETS = ("own", "other")

# The policy, as the issue states it: who may do what, and whether it is limited to their post.
EVERYONE = set(ROLES)
PERMITS_VIEW = {"primary_officer", "secondary_officer", "supervisor", "analyst", "administrator"}
POLICY = {
    # (method, path template): (roles allowed, post_scoped: True = only at the post the role is held)
    ("GET", "/api/me"): (EVERYONE, False),
    ("GET", "/api/tokens"): (EVERYONE, False),
    ("GET", "/api/border-posts"): (EVERYONE, False),
    ("GET", "/api/border-posts/{code}"): (EVERYONE, True),
    ("POST", "/api/border-posts"): ({"administrator"}, "national_only"),
    ("PATCH", "/api/border-posts/{code}"): ({"administrator"}, "national_only"),
    ("GET", "/api/audit/events"): ({"auditor"}, "national_only"),
    ("GET", "/api/audit/verify"): ({"auditor"}, "national_only"),
    ("POST", "/api/documents/mrz"): ({"primary_officer", "secondary_officer", "supervisor"}, False),
    ("POST", "/api/documents/chip"): ({"primary_officer", "secondary_officer", "supervisor"}, False),
    ("GET", "/api/trust/entries"): ({"administrator"}, "national_only"),
    ("GET", "/api/trust/imports"): ({"administrator"}, "national_only"),
    ("POST", "/api/trust/imports"): ({"administrator"}, "national_only"),
    ("GET", "/api/watchlists"): ({"administrator"}, "national_only"),
    ("POST", "/api/screening/search"): ({"primary_officer", "secondary_officer", "supervisor"}, False),
    ("GET", "/api/statistics/flows"): ({"analyst", "supervisor", "administrator"}, False),
    ("GET", "/api/visa-policies"): (PERMITS_VIEW, False),
    ("POST", "/api/visa-policies"): ({"administrator"}, "national_only"),
    ("GET", "/api/visas"): (PERMITS_VIEW, False),
    ("POST", "/api/visas"): ({"administrator"}, "national_only"),
    ("POST", "/api/visas/match"): (PERMITS_VIEW, False),
    ("POST", "/api/evisas/import"): ({"administrator"}, "national_only"),
    ("GET", "/api/residence-permits"): (PERMITS_VIEW, False),
    ("POST", "/api/residence-permits"): ({"administrator"}, "national_only"),
    ("GET", "/api/entry-bans"): (PERMITS_VIEW, False),
    ("POST", "/api/entry-bans"): ({"administrator"}, "national_only"),
    ("GET", "/api/overstays"): ({"analyst", "supervisor"}, False),
    ("POST", "/api/overstays/detect"): ({"analyst", "supervisor"}, False),
}
# Token endpoints follow their own rules (own tokens; creation only from a session); tested below.
SPECIAL = {("POST", "/api/tokens"), ("DELETE", "/api/tokens/{token_id}")}
# Inspection endpoints address inspections, crossings and travellers at a post: matrix below.
OFFICERS = {"primary_officer", "secondary_officer", "supervisor"}
RESOURCE_POLICY = {
    ("POST", "/api/inspections"): OFFICERS,
    ("GET", "/api/inspections/{inspection_id}"): OFFICERS,
    ("POST", "/api/inspections/{inspection_id}/decision"): OFFICERS,
    ("GET", "/api/crossings"): OFFICERS,
    ("GET", "/api/referrals"): {"secondary_officer", "supervisor"},
    ("GET", "/api/travellers/{traveller_id}"): OFFICERS,
    ("GET", "/api/hits"): {"secondary_officer", "supervisor"},
    ("POST", "/api/hits/{hit_id}/judgement"): {"secondary_officer", "supervisor"},
}
SPECIAL |= set(RESOURCE_POLICY)
# Watchlist imports: a multipart upload, then the import it made (national administrators only): matrix below.
IMPORT_POLICY = {
    ("POST", "/api/watchlists/{watchlist_id}/imports"): {"administrator"},
    ("GET", "/api/watchlists/imports/{import_id}"): {"administrator"},
    ("POST", "/api/watchlists/imports/{import_id}/commit"): {"administrator"},
}
SPECIAL |= set(IMPORT_POLICY)

SUCCESS = {"GET": 200, "POST": 201, "PATCH": 200, "DELETE": 200}
# Endpoints that read rather than create answer 200 to a POST.
READ_POSTS = {"/api/documents/mrz", "/api/screening/search", "/api/visas/match"}


PERMITS_BODIES = {
    "/api/visa-policies": {"name": "Matrix", "nationality": "FRA", "category": "exempt", "max_stay_days": 90,
                           "window_days": 180, "valid_from": "2024-01-01"},
    "/api/visas": {"number": "VM1", "entries": "single", "valid_from": "2025-01-01", "valid_until": "2025-12-31",
                   "duration_days": 30, "surname": "PATEL", "nationality": "IND", "passport_number": "P1"},
    "/api/visas/match": {"mrz": "V<UTOPATEL<<RAJ<<<<<<<<<<<<<<<<<<<<<\nVS12345679IND8308300M3012316<<<<<<<<"},
    "/api/evisas/import": {"file_name": "e.csv", "content": "number,surname,given_names,nationality,birth_date,"
                           "passport_number,valid_from,valid_until,duration_days,entries\n"
                           "EV1,PATEL,RAJ,IND,,P1,2025-01-01,2025-12-31,30,multiple\n"},
    "/api/residence-permits": {"kind": "work", "number": "WM1", "surname": "PATEL", "nationality": "IND",
                               "passport_number": "P1", "valid_from": "2025-01-01", "valid_until": "2026-01-01"},
    "/api/entry-bans": {"surname": "PATEL", "nationality": "IND", "starts_on": "2025-01-01", "reason": "matrix"},
}


def expected_allowed(role: str, placement: str, target: str, key: tuple[str, str]) -> bool:
    roles, scoping = POLICY[key]
    if role not in roles:
        return False
    if scoping == "national_only":
        return placement == "national"
    if scoping is True:
        return placement == "national" or target == "own"
    return True


def _body(method: str, path: str, n: int) -> dict | None:
    if method == "POST" and path == "/api/border-posts":
        return {"code": f"NEW-{n}", "name": "New post", "kind": "sea", "country": "UTO", "time_zone": "UTC"}
    if path == "/api/screening/search":
        return {"name": "Joseph Kamau", "birth_date": "1980-03-14"}
    if path == "/api/documents/mrz":
        return {"mrz": "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10"}
    if path == "/api/documents/chip":
        return {"data_groups": {}}  # no chip data: recorded as such (201)
    if method == "POST" and path == "/api/trust/imports":
        return {"file_name": "junk.cer", "content": "bm90IGEgY2VydGlmaWNhdGU="}  # recorded, item rejected (201)
    if method == "POST" and path in PERMITS_BODIES:
        return PERMITS_BODIES[path]
    if method == "PATCH":
        return {"name": f"Renamed {n}"}
    return None


def test_every_api_operation_is_in_the_matrix(client):
    schema = json.loads(client.get("/api/openapi.json").content)
    operations = {
        (method.upper(), path.rstrip("/"))
        for path, item in schema["paths"].items()
        for method in item
        if method in {"get", "post", "put", "patch", "delete"}
    }
    covered = set(POLICY) | SPECIAL
    assert operations - covered == set(), "endpoints without an access policy in this test"
    assert covered - operations == set(), "policy rows for endpoints that no longer exist"


CASES = [
    (key, role, placement, target)
    for key in POLICY
    for role, placement, target in itertools.product(ROLES, PLACEMENTS, TARGETS)
    if not (target == "other" and "{code}" not in key[1])  # no post in the path: one case suffices
]


@pytest.mark.parametrize(("key", "role", "placement", "target"), CASES,
                         ids=[f"{k[0]} {k[1]}-{r}-{p}-{t}" for k, r, p, t in CASES])
@pytest.mark.parametrize("channel", ["token", "session"])
def test_api_access(two_posts, make_user, bearer, client, session_client, key, role, placement, target, channel):
    post_a, post_b = two_posts
    user = make_user(role, post_a if placement == "at_own_post" else None)
    method, template = key
    path = template.replace("{code}", (post_a if target == "own" else post_b).code)
    body = _body(method, template, 1)
    kwargs: dict = {}
    if channel == "token":
        kwargs["headers"] = bearer(user)
        caller = client
    else:
        caller = session_client(user)
    if body is not None:
        response = caller.generic(method, path, json.dumps(body), content_type="application/json", **kwargs)
    else:
        response = caller.generic(method, path, **kwargs)
    if expected_allowed(role, placement, target, key):
        expected = 200 if template in READ_POSTS else SUCCESS[method]
        assert response.status_code == expected, response.content
    else:
        assert response.status_code == 403, response.content
        assert json.loads(response.content)["code"] == "forbidden"


@pytest.mark.parametrize("role", ROLES)
def test_post_list_is_limited_to_the_posts_in_scope(two_posts, make_user, bearer, client, role):
    post_a, _post_b = two_posts
    at_post = make_user(role, post_a)
    codes = {p["code"] for p in client.get("/api/border-posts", headers=bearer(at_post)).json()}
    assert codes == {"TST-A"}
    national = make_user(role, None)
    codes = {p["code"] for p in client.get("/api/border-posts", headers=bearer(national)).json()}
    assert codes == {"TST-A", "TST-B"}


def test_user_without_roles_sees_nothing(two_posts, make_user, bearer, client):
    nobody = make_user(None)
    response = client.get("/api/border-posts", headers=bearer(nobody))
    assert response.status_code == 403


def test_anonymous_gets_401_everywhere(client, db):
    schema = json.loads(client.get("/api/openapi.json").content)
    for path, item in schema["paths"].items():
        for method in item:
            concrete = re.sub(r"\{[a-z_]+\}", "01a226d7-67f5-76f6-9018-d53a27ecdef3", path.replace("{code}", "TST-A"))
            response = client.generic(method.upper(), concrete)
            assert response.status_code == 401, (method, path)


# --- pages ---------------------------------------------------------------------------------------------

PAGES = {
    "/": (EVERYONE, False),
    "/account/tokens/": (EVERYONE, False),
    "/border-posts/": (EVERYONE, False),
    "/border-posts/{code}/": (EVERYONE, True),
    "/border-posts/new/": ({"administrator"}, "national_only"),
    "/border-posts/{code}/edit/": ({"administrator"}, "national_only"),
    "/account/users/": ({"administrator"}, "national_only"),
    "/audit/": ({"auditor"}, "national_only"),
    "/inspect/": ({"primary_officer", "secondary_officer", "supervisor"}, False),
    "/secondary/": ({"secondary_officer", "supervisor"}, False),
    "/trust/": ({"administrator"}, "national_only"),
    "/trust/imports/": ({"administrator"}, "national_only"),
    "/trust/import/": ({"administrator"}, "national_only"),
    "/watchlists/": ({"administrator"}, "national_only"),
    "/watchlists/new/": ({"administrator"}, "national_only"),
    "/hits/": ({"secondary_officer", "supervisor"}, False),
    "/screening/search/": ({"primary_officer", "secondary_officer", "supervisor"}, False),
    "/statistics/": ({"analyst", "supervisor", "administrator"}, False),
    "/statistics/table/nationality/": ({"analyst", "supervisor", "administrator"}, False),
    "/statistics/report/": ({"analyst", "supervisor", "administrator"}, False),
    "/permits/": (PERMITS_VIEW, False),
    "/permits/visas/": (PERMITS_VIEW, False),
    "/permits/bans/": (PERMITS_VIEW, False),
    "/permits/rules/new/": ({"administrator"}, "national_only"),
    "/permits/visas/new/": ({"administrator"}, "national_only"),
    "/permits/visas/import/": ({"administrator"}, "national_only"),
    "/permits/residence/new/": ({"administrator"}, "national_only"),
    "/permits/bans/new/": ({"administrator"}, "national_only"),
    "/overstays/": ({"analyst", "supervisor"}, False),
    "/overstays/export.csv": ({"analyst", "supervisor"}, False),
    "/work/counts": (EVERYONE, False),
    "/travellers/": ({"primary_officer", "secondary_officer", "supervisor"}, False),
    "/stay/": ({"primary_officer", "secondary_officer", "supervisor"}, False),
}

PAGE_CASES = [
    (page, role, placement, target)
    for page in PAGES
    for role, placement, target in itertools.product(ROLES, PLACEMENTS, TARGETS)
    if not (target == "other" and "{code}" not in page)
]


@pytest.mark.parametrize(("page", "role", "placement", "target"), PAGE_CASES,
                         ids=[f"{p}-{r}-{pl}-{t}" for p, r, pl, t in PAGE_CASES])
def test_page_access(two_posts, make_user, session_client, page, role, placement, target):
    post_a, post_b = two_posts
    user = make_user(role, post_a if placement == "at_own_post" else None)
    client = session_client(user)
    path = page.replace("{code}", (post_a if target == "own" else post_b).code)
    roles, scoping = PAGES[page]
    allowed = role in roles and (
        placement == "national" if scoping == "national_only" else (placement == "national" or target == "own")
        if scoping else True
    )
    response = client.get(path)
    assert response.status_code == (200 if allowed else 403)


@pytest.mark.parametrize("page", [p for p in PAGES if "{code}" not in p])
def test_pages_redirect_anonymous_to_login(client, db, page):
    response = client.get(page)
    assert response.status_code == 302
    assert response["Location"].startswith("/account/login/")


# --- inspections, crossings, referrals, travellers: resources that belong to a post ---------------------

def _resources(two_posts, make_user):
    """An open inspection at each post, made by a national supervisor."""
    import uuid as _uuid

    from openbmis import mrz
    from openbmis.inspections import services

    chief = make_user("supervisor", None)
    made = {}
    for label, post in zip(("own", "other"), two_posts, strict=True):
        text = mrz.make({"format": "TD3", "document_code": "P", "issuing_state": "KEN",
                         "document_number": f"M{label.upper()}001", "primary_identifier": f"MATRIX{label.upper()}",
                         "secondary_identifier": "ALPHA", "nationality": "KEN", "birth_date": None, "sex": "M",
                         "expiry_date": datetime.date(2031, 1, 1), "optional_data": ""})
        made[label] = services.start_inspection(chief, border_post=post, client_id=_uuid.uuid4(), direction="entry",
                                                mrz_text=text).inspection
    return made


def _hit_for(inspection):
    """A pending watchlist hit on the inspection, at its post (as screening files them)."""
    from openbmis.watchlists import services as watchlists
    from openbmis.watchlists.models import Hit

    listed = watchlists.create_watchlist("test", name=f"Matrix {inspection.id}", owner="HQ")
    watchlists.import_now("test", listed, file_name="m.csv", content=b"id,name\nM-1,Matrix Person\n", commit=True)
    entry = listed.entries.get()
    return Hit.objects.create(inspection=inspection, border_post=inspection.border_post, traveller=inspection.traveller,
                              watchlist=listed, entry=entry, name=entry.name, score=0.9, algorithm="test",
                              algorithm_version="0", data={})


RESOURCE_CASES = [
    (key, role, placement, target)
    for key in RESOURCE_POLICY
    for role, placement, target in itertools.product(ROLES, PLACEMENTS, TARGETS)
]


@pytest.mark.parametrize(("key", "role", "placement", "target"), RESOURCE_CASES,
                         ids=[f"{k[0]} {k[1]}-{r}-{p}-{t}" for k, r, p, t in RESOURCE_CASES])
def test_post_resources_access(two_posts, make_user, bearer, client, key, role, placement, target):
    import uuid as _uuid

    resources = _resources(two_posts, make_user)
    post_a, post_b = two_posts
    user = make_user(role, post_a if placement == "at_own_post" else None)
    post = post_a if target == "own" else post_b
    inspection = resources[target]
    method, template = key
    path = (template.replace("{inspection_id}", str(inspection.id))
            .replace("{traveller_id}", str(inspection.traveller_id)))
    if "{hit_id}" in template:
        path = path.replace("{hit_id}", str(_hit_for(inspection).id))
    body = None
    if template == "/api/inspections":
        body = {"border_post": post.code, "direction": "entry", "client_id": str(_uuid.uuid4()),
                "document": {"issuing_state": "KEN", "document_number": "N1", "primary_identifier": "X",
                             "nationality": "KEN"}}
    elif template.endswith("/decision"):
        body = {"decision": "admit"}
    elif template.endswith("/judgement"):
        body = {"status": "unsure", "reason": "matrix"}
    elif template in ("/api/crossings", "/api/referrals", "/api/hits"):
        path += f"?border_post={post.code}"
    headers = bearer(user)
    if body is not None:
        response = client.generic(method, path, json.dumps(body), content_type="application/json", headers=headers)
    else:
        response = client.generic(method, path, headers=headers)
    allowed = role in RESOURCE_POLICY[key] and (placement == "national" or target == "own")
    if allowed:
        assert response.status_code in (200, 201), response.content
    elif template == "/api/travellers/{traveller_id}" and role in RESOURCE_POLICY[key]:
        # an officer does not learn that a traveller of another post exists
        assert response.status_code == 404, response.content
    else:
        assert response.status_code == 403, response.content


# --- watchlist imports: multipart upload, preview, commit ------------------------------------------------

IMPORT_CASES = [
    (key, role, placement)
    for key in IMPORT_POLICY
    for role, placement in itertools.product(ROLES, PLACEMENTS)
]


@pytest.mark.parametrize(("key", "role", "placement"), IMPORT_CASES,
                         ids=[f"{k[0]} {k[1]}-{r}-{p}" for k, r, p in IMPORT_CASES])
@pytest.mark.parametrize("channel", ["token", "session"])
def test_watchlist_import_access(two_posts, make_user, bearer, client, session_client, key, role, placement,
                                 channel):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from openbmis.watchlists import services as watchlists

    listed = watchlists.create_watchlist("test", name="Matrix imports", owner="HQ")
    record = watchlists.start_import("test", listed, file_name="m.csv", content=b"id,name\nM-1,Matrix Person\n",
                                     channel="cli")
    record = watchlists.preview_import(record)
    user = make_user(role, two_posts[0] if placement == "at_own_post" else None)
    caller, headers = (client, bearer(user)) if channel == "token" else (session_client(user), {})
    method, template = key
    path = template.replace("{watchlist_id}", str(listed.id)).replace("{import_id}", str(record.id))
    if template.endswith("/imports"):
        upload = SimpleUploadedFile("m.csv", b"id,name\nM-1,Matrix Person\nM-2,Other Person\n")
        response = caller.post(path, {"file": upload, "format": "auto"}, headers=headers)
    else:
        response = caller.generic(method, path, headers=headers)
    if role in IMPORT_POLICY[key] and placement == "national":
        assert response.status_code == (201 if template.endswith("/imports") else 200), response.content
    else:
        assert response.status_code == 403, response.content
        assert json.loads(response.content)["code"] == "forbidden"
