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

ROLES = ("primary_officer", "secondary_officer", "supervisor", "analyst", "administrator", "auditor",
         "prearrival_officer", "assessor", "training_coordinator", "document_examiner", "document_expert")
PLACEMENTS = ("at_own_post", "national")
TARGETS = ("own", "other")

# The policy, as the issue states it: who may do what, and whether it is limited to their post.
EVERYONE = set(ROLES)
PERMITS_VIEW = {"primary_officer", "secondary_officer", "supervisor", "analyst", "administrator"}
CAPACITY_VIEW = {"assessor", "supervisor", "administrator", "analyst", "training_coordinator"}
TRAINING_VIEW = {"training_coordinator", "supervisor", "administrator", "assessor"}
DOCUMENT_LIBRARY = {"primary_officer", "secondary_officer", "supervisor", "document_examiner", "document_expert"}
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
    ("GET", "/api/audit/accesses"): ({"auditor"}, "national_only"),
    ("GET", "/api/retention/report"): ({"administrator", "auditor"}, "national_only"),
    ("GET", "/api/retention/holds"): ({"administrator", "auditor"}, "national_only"),
    ("POST", "/api/documents/mrz"): ({"primary_officer", "secondary_officer", "supervisor"}, False),
    ("POST", "/api/documents/chip"): ({"primary_officer", "secondary_officer", "supervisor"}, False),
    ("GET", "/api/documents/models"): (DOCUMENT_LIBRARY, False),
    ("GET", "/api/documents/alerts"): (DOCUMENT_LIBRARY, False),
    ("POST", "/api/documents/alerts"): ({"document_expert"}, "national_only"),
    ("POST", "/api/documents/models"): ({"document_expert"}, "national_only"),
    ("GET", "/api/documents/fraud-statistics"): ({"analyst", "supervisor", "administrator"}, False),
    ("GET", "/api/trust/entries"): ({"administrator"}, "national_only"),
    ("GET", "/api/trust/imports"): ({"administrator"}, "national_only"),
    ("POST", "/api/trust/imports"): ({"administrator"}, "national_only"),
    ("GET", "/api/watchlists"): ({"administrator"}, "national_only"),
    ("POST", "/api/screening/search"): ({"primary_officer", "secondary_officer", "supervisor"}, False),
    ("GET", "/api/statistics/flows"): ({"analyst", "supervisor", "administrator"}, False),
    ("GET", "/api/statistics/carriers"): ({"analyst", "supervisor", "administrator"}, False),
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
    ("GET", "/api/inspections/stale"): ({"supervisor"}, False),
    ("GET", "/api/nodes"): ({"administrator"}, "national_only"),
    ("GET", "/api/manifests"): ({"prearrival_officer", "supervisor", "analyst"}, False),
    ("GET", "/api/prearrival/hits"): ({"prearrival_officer", "supervisor"}, False),
    ("GET", "/api/carriers"): ({"prearrival_officer", "supervisor", "analyst"}, False),
    ("POST", "/api/carriers"): ({"administrator"}, "national_only"),
    ("GET", "/api/carriers/compliance"): ({"prearrival_officer", "supervisor", "analyst"}, False),
    ("GET", "/api/capacity/templates"): (CAPACITY_VIEW, False),
    ("GET", "/api/capacity/assessments"): (CAPACITY_VIEW, False),
    ("POST", "/api/capacity/assessments"): ({"assessor"}, False),  # for the caller's own post (TST-A)
    ("GET", "/api/capacity/equipment"): (CAPACITY_VIEW, False),
    ("POST", "/api/capacity/equipment"): ({"supervisor", "administrator"}, False),  # at TST-A
    ("GET", "/api/capacity/needs"): (CAPACITY_VIEW, False),
    ("GET", "/api/training/courses"): (TRAINING_VIEW, False),
    ("POST", "/api/training/courses"): ({"training_coordinator"}, "national_only"),
    ("GET", "/api/training/sessions"): (TRAINING_VIEW, False),
    ("POST", "/api/training/sessions"): ({"training_coordinator"}, "national_only"),
    ("GET", "/api/training/certificates"): (TRAINING_VIEW, False),
    ("GET", "/api/training/holders"): (TRAINING_VIEW, False),
    ("GET", "/api/training/prerequisites"): (TRAINING_VIEW, False),
    ("POST", "/api/training/prerequisites"): ({"administrator"}, "national_only"),
    ("GET", "/api/rectifications"): ({"supervisor", "administrator"}, False),  # scoped rows: test_rectification.py
}
# Public: a certificate's verification answers anyone (tested in tests/capacity and below).
PUBLIC = {("GET", "/api/certificates/verify")}
# Token endpoints follow their own rules (own tokens; creation only from a session); tested below.
SPECIAL = {("POST", "/api/tokens"), ("DELETE", "/api/tokens/{token_id}"),
           ("GET", "/api/audit/events/{event_id}"),
           ("POST", "/api/retention/holds"), ("POST", "/api/retention/holds/{hold_id}/lift"),  # tests/retention
           ("POST", "/api/retention/erasures"),  # administrators only: tests/retention/test_erasure.py
           ("GET", "/api/audit/subject-access/{traveller_id}"),  # auditors only: tests/audit/test_subject_access.py
           ("POST", "/api/documents/alerts/{reference}/withdraw"),
           ("POST", "/api/documents/models/{model_id}/features")}  # tests/documents/test_alert_api.py  # auditors only: tests/audit/test_event_detail.py
# Inspection endpoints address inspections, crossings and travellers at a post: matrix below.
OFFICERS = {"primary_officer", "secondary_officer", "supervisor"}
# A document examiner sees identities at their post (the document in hand, its holder's record), never decides.
IDENTITY_READERS = OFFICERS | {"document_examiner"}
RESOURCE_POLICY = {
    ("POST", "/api/inspections"): OFFICERS,
    ("GET", "/api/inspections/{inspection_id}"): IDENTITY_READERS,
    ("POST", "/api/inspections/{inspection_id}/decision"): OFFICERS,
    # the inspections were started by another officer: only a supervisor may void them
    ("POST", "/api/inspections/{inspection_id}/void"): {"supervisor"},
    ("GET", "/api/crossings"): IDENTITY_READERS,
    ("GET", "/api/referrals"): {"secondary_officer", "supervisor"},
    ("GET", "/api/travellers/{traveller_id}"): IDENTITY_READERS,
    ("GET", "/api/hits"): {"secondary_officer", "supervisor"},
    ("POST", "/api/hits/{hit_id}/judgement"): {"secondary_officer", "supervisor"},
}
SPECIAL |= set(RESOURCE_POLICY)
# Rectification (four eyes) of a traveller at a post: roles, post scope and the second person in
# tests/audit/test_rectification.py.
SPECIAL |= {("POST", "/api/travellers/{traveller_id}/rectifications"),
            ("POST", "/api/rectifications/{rectification_id}/approve"),
            ("POST", "/api/rectifications/{rectification_id}/reject")}
# Watchlist imports: a multipart upload, then the import it made (national administrators only): matrix below.
IMPORT_POLICY = {
    ("POST", "/api/watchlists/{watchlist_id}/imports"): {"administrator"},
    ("GET", "/api/watchlists/imports/{import_id}"): {"administrator"},
    ("POST", "/api/watchlists/imports/{import_id}/commit"): {"administrator"},
}
SPECIAL |= set(IMPORT_POLICY)
# Border-post nodes call these signed with their key (or with a one-time enrolment code): tests/network.
SPECIAL |= {("POST", "/api/network/enrol"), ("POST", "/api/network/push"), ("GET", "/api/network/changes"),
            ("POST", "/api/nodes/{node_id}/revoke")}
# Manifests: a carrier's own upload and the manifests and pre-arrival hits of a post: tests/manifests/test_api.py.
MANIFEST_POLICY = {
    ("POST", "/api/manifests"): {"administrator"},  # national only; carriers' own accounts: their own flights
    ("GET", "/api/manifests/{manifest_id}"): {"prearrival_officer", "supervisor", "analyst"},
    ("GET", "/api/manifests/{manifest_id}/reconciliation"): {"prearrival_officer", "supervisor", "analyst"},
    ("POST", "/api/prearrival/hits/{hit_id}/judgement"): {"prearrival_officer", "supervisor"},
}
SPECIAL |= set(MANIFEST_POLICY)

# Capacity resources at a post (assessments and their actions) and training records: matrix below.
CAPACITY_RESOURCE_POLICY = {
    ("GET", "/api/capacity/assessments/{assessment_id}"): CAPACITY_VIEW,
    ("PUT", "/api/capacity/assessments/{assessment_id}/answers"): {"assessor"},
    ("POST", "/api/capacity/assessments/{assessment_id}/submit"): {"assessor"},
    ("POST", "/api/capacity/assessments/{assessment_id}/findings"): {"assessor"},
    ("POST", "/api/capacity/assessments/{assessment_id}/actions"): {"assessor"},
    ("GET", "/api/capacity/assessments/{assessment_id}/report.pdf"): CAPACITY_VIEW,
    ("PATCH", "/api/capacity/actions/{action_id}"): {"assessor"},
    ("POST", "/api/capacity/assessments/{assessment_id}/photos"): {"assessor"},
    ("GET", "/api/training/certificates/{number}/pdf"): TRAINING_VIEW,
}
TRAINING_RESOURCE_POLICY = {  # national training coordinators only
    ("POST", "/api/training/sessions/{session_id}/enrolments"): {"training_coordinator"},
    ("POST", "/api/training/enrolments/{enrolment_id}/result"): {"training_coordinator"},
}
SPECIAL |= set(CAPACITY_RESOURCE_POLICY) | set(TRAINING_RESOURCE_POLICY) | PUBLIC

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
    if method == "POST" and path == "/api/documents/alerts":
        return {"title": f"Matrix alert {n}", "description": "a forgery", "detection": "look", "issuing_state": "UTO",
                "valid_from": "2026-01-01"}
    if method == "POST" and path == "/api/documents/models":
        return {"issuing_state": "UTO", "document_code": "P", "name": f"Matrix model {n}", "source": "drawn"}
    if method == "POST" and path == "/api/carriers":
        return {"code": "QM", "name": "Matrix air"}
    if method == "POST" and path in PERMITS_BODIES:
        return PERMITS_BODIES[path]
    if method == "POST" and path in CAPACITY_BODIES:
        return CAPACITY_BODIES[path]
    if method == "PATCH":
        return {"name": f"Renamed {n}"}
    return None


CAPACITY_BODIES = {
    "/api/capacity/assessments": {"border_post": "TST-A", "visit_date": "2026-11-02", "team": "matrix"},
    "/api/capacity/equipment": {"border_post": "TST-A", "kind": "document_reader", "lane": "A1"},
    "/api/training/courses": {"code": "MTX-2", "title": "Matrix course", "hours": 8},
    "/api/training/sessions": {"course": "MTX-1", "starts_on": "2026-10-01", "ends_on": "2026-10-02", "capacity": 3},
    "/api/training/prerequisites": {"role": "primary_officer", "course": "MTX-1"},
}


def _matrix_course():
    """The course that session and prerequisite bodies name."""
    from openbmis.capacity import services

    return services.create_course("test", code="MTX-1", title="Matrix", hours=8, validity_months=12)


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
    if template.startswith("/api/training/"):
        _matrix_course()
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
            if (method.upper(), path) in PUBLIC:
                continue
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
    "/audit/accesses/": ({"auditor"}, "national_only"),
    "/retention/": ({"administrator", "auditor"}, "national_only"),
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
    "/account/password/": (EVERYONE, False),
    "/network/": ({"administrator"}, "national_only"),
    "/network/code/": ({"administrator"}, "national_only"),
    "/manifests/": ({"prearrival_officer", "supervisor", "analyst"}, False),
    "/manifests/queue/": ({"prearrival_officer", "supervisor"}, False),
    "/manifests/compliance/": ({"prearrival_officer", "supervisor", "analyst"}, False),
    "/manifests/upload/": ({"administrator"}, "national_only"),
    "/capacity/": (CAPACITY_VIEW, False),
    "/capacity/assessments/new/": ({"assessor"}, False),
    "/capacity/equipment/": (CAPACITY_VIEW, False),
    "/training/": (TRAINING_VIEW, False),
    "/work/counts": (EVERYONE, False),
    "/travellers/": ({"primary_officer", "secondary_officer", "supervisor", "document_examiner"}, False),
    "/travellers/rectifications/": ({"supervisor", "administrator"}, False),
    "/stay/": ({"primary_officer", "secondary_officer", "supervisor"}, False),
    "/documents/": (DOCUMENT_LIBRARY, False),
    "/documents/examine/": ({"document_examiner", "supervisor"}, False),
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
    elif template.endswith("/void"):
        body = {"reason": "matrix"}
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


# --- capacity building: assessments at a post, actions, certificates; training records -------------------

def _capacity_resources(two_posts, make_user):
    """At each post: an assessment with an action, and an officer there holding a certificate."""
    import datetime as _dt

    from openbmis.capacity import services

    chief = make_user("assessor", None)
    coordinator = make_user("training_coordinator", None)
    course = _matrix_course()
    made = {}
    for label, post in zip(("own", "other"), two_posts, strict=True):
        assessment = services.create_assessment(chief, border_post=post, visit_date=_dt.date(2026, 11, 2))
        action = services.add_action(chief, assessment, title="Matrix action", owner="chief")
        officer = make_user("primary_officer", post)
        session = services.create_session(coordinator, course=course, starts_on=_dt.date(2026, 10, 1),
                                          ends_on=_dt.date(2026, 10, 2), capacity=3)
        enrolment = services.enrol(coordinator, session, user=officer)
        services.record_result(coordinator, enrolment, attended=True, result="passed")
        enrolment.refresh_from_db()
        made[label] = {"assessment_id": str(assessment.id), "action_id": str(action.id),
                       "number": enrolment.certificate.number, "session_id": str(session.id),
                       "enrolment_id": str(services.enrol(coordinator, session, external_name="Guest").id)}
    return made


CAPACITY_RESOURCE_BODIES = {
    "/answers": {"answers": {"INF-FLOWS": 3}},
    "/findings": {"text": "Matrix finding"},
    "/actions": {"title": "Matrix", "owner": "chief"},
    "/api/capacity/actions/{action_id}": {"status": "in_progress"},
    "/enrolments": {"external_name": "Matrix guest"},
    "/result": {"attended": True, "result": "failed"},
}

CAPACITY_CASES = [
    (key, role, placement, target)
    for key in {**CAPACITY_RESOURCE_POLICY, **TRAINING_RESOURCE_POLICY}
    for role, placement, target in itertools.product(ROLES, PLACEMENTS, TARGETS)
]


@pytest.mark.parametrize(("key", "role", "placement", "target"), CAPACITY_CASES,
                         ids=[f"{k[0]} {k[1]}-{r}-{p}-{t}" for k, r, p, t in CAPACITY_CASES])
def test_capacity_resources_access(two_posts, make_user, bearer, client, key, role, placement, target):
    resources = _capacity_resources(two_posts, make_user)[target]
    user = make_user(role, two_posts[0] if placement == "at_own_post" else None)
    method, template = key
    path = template
    for name, value in resources.items():
        path = path.replace("{" + name + "}", value)
    body = next((b for suffix, b in CAPACITY_RESOURCE_BODIES.items() if template.endswith(suffix)), None)
    if template.endswith("/photos"):
        from django.core.files.uploadedfile import SimpleUploadedFile

        upload = SimpleUploadedFile("p.png", b"\x89PNG\r\n\x1a\n" + bytes(16), "image/png")
        response = client.post(path, {"file": upload, "question": "INF-PHOTO"}, headers=bearer(user))
    elif body is not None:
        response = client.generic(method, path, json.dumps(body), content_type="application/json",
                                  headers=bearer(user))
    else:
        response = client.generic(method, path, headers=bearer(user))
    if key in TRAINING_RESOURCE_POLICY:
        allowed = role in TRAINING_RESOURCE_POLICY[key] and placement == "national"
    else:
        allowed = role in CAPACITY_RESOURCE_POLICY[key] and (placement == "national" or target == "own")
    if allowed:
        assert response.status_code in (200, 201), response.content
    elif template.endswith("/pdf") and role in CAPACITY_RESOURCE_POLICY[key]:
        # a post-scoped reader does not learn that another post's officer holds a certificate
        assert response.status_code == 404, response.content
    else:
        assert response.status_code == 403, response.content


def test_certificate_verification_is_public(two_posts, make_user, client):
    from openbmis.capacity.models import Certificate

    number = _capacity_resources(two_posts, make_user)["own"]["number"]
    code = Certificate.objects.get(number=number).verification_code
    response = client.get(f"/api/certificates/verify?number={number}&code={code}")
    assert response.status_code == 200 and response.json() == {"number": number, "status": "valid"}
