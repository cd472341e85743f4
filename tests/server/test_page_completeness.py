"""Every page the URL resolver knows is in the permission matrix, and a denied write changes nothing.

The pages come from Django's resolver, not from a hand list: a new page that is neither a row of the
matrix (tests/server/test_permission_matrix.py ``PAGES``) nor listed below with the test that covers its
access fails ``test_every_page_is_in_the_matrix``. Every page is then posted to by users who may not
write there: the answer is a refusal and no table gains, loses or changes a row, the audit trail included.
"""

from __future__ import annotations

import re
import uuid

import pytest
from django.apps import apps
from django.urls import URLPattern, URLResolver, get_resolver
from tests.server.test_permission_matrix import EVERYONE, PAGES, ROLES

# Pages that address one object (its id in the path), with where their access is tested; and pages open by
# design. Each needs a reason: "covered elsewhere" is only true with the test named.
OFFICERS = {"primary_officer", "secondary_officer", "supervisor"}
SECONDARY = {"secondary_officer", "supervisor"}
ADMIN = {"administrator"}
STATISTICS = {"analyst", "supervisor", "administrator"}
MANIFESTS = {"prearrival_officer", "supervisor", "analyst"}
CAPACITY = {"assessor", "supervisor", "administrator", "analyst", "training_coordinator"}
TRAINING = {"training_coordinator", "supervisor", "administrator", "assessor"}
LIBRARY = OFFICERS | {"document_examiner", "document_expert"}
EXAMINERS = {"document_examiner", "supervisor"}
OBJECT_PAGES = {
    "/audit/events/{event_id}/": ({"auditor"}, "tests/audit/test_event_detail.py"),
    "/audit/subject-access/{traveller_id}/": ({"auditor"}, "tests/audit/test_subject_access.py"),
    "/documents/models/{model_id}/": (LIBRARY, "tests/documents/test_pages.py"),
    "/documents/examine/{inspection_id}/": (EXAMINERS, "tests/documents/test_examination.py"),
    "/documents/images/reference/{image_id}": (LIBRARY, "tests/documents/test_pages.py"),
    "/documents/images/alert/{image_id}": (LIBRARY, "tests/documents/test_pages.py"),
    "/documents/images/examination/{image_id}": (EXAMINERS, "tests/documents (identities at the post too)"),
    # route: (roles that may open it, where its access to one object is tested)
    "/account/tokens/{token_id}/revoke/": (EVERYONE, "tests/accounts (own tokens only)"),
    "/account/users/{username}/": (ADMIN, "tests/accounts"),
    "/capacity/assessments/{assessment_id}/": (CAPACITY, "test_permission_matrix.py capacity resources"),
    "/capacity/assessments/{assessment_id}/report.pdf": (CAPACITY, "tests/capacity"),
    "/hits/{hit_id}/": (SECONDARY, "tests/watchlists/test_web_api_cli.py"),
    "/inspect/{inspection_id}/": (OFFICERS, "tests/inspections (post scoping of the inspection page)"),
    "/inspect/{inspection_id}/chip-photo": (OFFICERS, "tests/inspections/test_chip_attach.py"),
    "/inspect/{inspection_id}/refusal-form": (OFFICERS, "tests/inspections"),
    "/inspect/{inspection_id}/void": (OFFICERS, "tests/inspections (the service lets supervisors only)"),
    "/manifests/{manifest_id}/": (MANIFESTS, "tests/manifests"),
    "/network/{node_id}/revoke/": (ADMIN, "tests/network/test_pages.py"),
    "/overstays/detect/": ({"analyst", "supervisor"}, "tests/permits"),
    "/permits/bans/{ban_id}/lift/": (ADMIN, "tests/permits"),
    "/retention/holds/{hold_id}/lift/": (ADMIN | {"auditor"}, "tests/retention/test_api_and_page.py"),
    "/permits/extend/{traveller_id}/": (ADMIN, "tests/permits"),
    "/permits/rules/{rule_id}/": (ADMIN, "tests/permits"),
    "/secondary/{referral_id}/notes/": (SECONDARY, "tests/inspections"),
    "/secondary/notes/{note_id}/image": (SECONDARY, "tests/inspections (never to roles without identities)"),
    "/statistics/report/{report_id}/": (STATISTICS, "tests/statistics"),
    "/training/certificates/{number}.pdf": (TRAINING, "tests/capacity"),
    "/training/sessions/{session_id}/": (TRAINING, "tests/capacity"),
    "/travellers/{traveller_id}/": (OFFICERS, "tests/travellers (traveller page, post scoping)"),
    "/travellers/{traveller_id}/merge": ({"supervisor"}, "tests/travellers (supervisor merge)"),
    "/travellers/documents/{document_id}/split": ({"supervisor"}, "tests/travellers (supervisor split)"),
    "/travellers/{traveller_id}/rectify": ({"supervisor", "administrator"}, "tests/travellers/test_rectification.py"),
    "/travellers/rectifications/{rectification_id}/approve": ({"supervisor", "administrator"},
                                                              "tests/travellers/test_rectification.py"),
    "/travellers/rectifications/{rectification_id}/reject": ({"supervisor", "administrator"},
                                                             "tests/travellers/test_rectification.py"),
    "/trust/entries/{entry_id}/": (ADMIN, "tests/trust"),
    "/trust/entries/{entry_id}/expire/": (ADMIN, "tests/trust"),
    "/trust/entries/{entry_id}/remove/": (ADMIN, "tests/trust"),
    "/trust/imports/{import_id}/": (ADMIN, "tests/trust"),
    "/watchlists/{watchlist_id}/": (ADMIN, "tests/watchlists"),
    "/watchlists/{watchlist_id}/import/": (ADMIN, "tests/watchlists/test_web_api_cli.py"),
    "/watchlists/imports/{import_id}/": (ADMIN, "tests/watchlists/test_web_api_cli.py"),
    "/watchlists/imports/{import_id}/commit/": (ADMIN, "tests/watchlists/test_web_api_cli.py"),
}
OPEN_PAGES = {
    "/account/login/": "the login form",
    "/account/logout/": "ends one's own session",
    "/account/2fa/": "the second factor of one's own login",
    "/health": "liveness probe for the service manager; no data",
    "/i18n/setlang/": "Django's language switch; sets a cookie",
}


def _routes() -> list[str]:
    """Every non-API route as a path template: ``<uuid:inspection_id>`` becomes ``{inspection_id}``."""
    found = []

    def walk(patterns, prefix):
        for pattern in patterns:
            text = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, text)
            elif isinstance(pattern, URLPattern):
                found.append(text)

    walk(get_resolver().url_patterns, "")
    pages = []
    for route in found:
        if route.startswith(("api/", "^api", "static/", "^static", "media/")):
            continue
        pages.append("/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route))
    return sorted(set(pages))


def test_the_resolver_walk_finds_pages():
    """Guards the walk below: an empty walk would pass the completeness test vacuously."""
    routes = _routes()
    assert "/inspect/" in routes and "/inspect/{inspection_id}/" in routes and len(routes) > 40


def _template_of(path: str, routes: list[str]) -> str | None:
    """The route a matrix row belongs to: itself, or the template it is an instance of (a panel's table)."""
    if path in routes:
        return path
    for route in routes:
        if "{" in route and re.fullmatch(re.sub(r"\\{\w+\\}", "[^/]+", re.escape(route)), path):
            return route
    return None


def _policy(route: str) -> set[str]:
    """The roles that may open ``route``, from the matrix row or the object-page list."""
    if route in OBJECT_PAGES:
        return set(OBJECT_PAGES[route][0])
    for page, (roles, _scope) in PAGES.items():
        if _template_of(page, [route]) == route:
            return set(roles)
    raise KeyError(route)


def test_every_page_is_in_the_matrix():
    routes = _routes()
    classified = {_template_of(page, routes) or page for page in PAGES} | set(OBJECT_PAGES) | set(OPEN_PAGES)
    missing = [route for route in routes if route not in classified]
    assert not missing, f"pages without a row in the permission matrix (add them to PAGES or OBJECT_PAGES): {missing}"
    stale = sorted(classified - set(routes))
    assert not stale, f"matrix rows for pages that no longer exist: {stale}"


# --- a denied write leaves nothing behind ----------------------------------------------------------------

def _fill(route: str, codes: dict[str, str]) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: codes.get(m.group(1), str(uuid.uuid4())), route)


def _snapshot() -> dict[str, int]:
    """Row count of every table (sessions excepted: a logged-in client has one)."""
    return {model._meta.label: model.objects.count() for model in apps.get_models()
            if model._meta.label not in {"sessions.Session"}}


def _denied_cases():
    cases = []
    for route in _routes():
        if route in OPEN_PAGES:
            continue
        roles = _policy(route)
        if roles == EVERYONE:
            continue  # every signed-in user's own pages (home, password, tokens): nobody is denied there
        # A user with no role at all, and every role the matrix does not allow on this page.
        for role in [None, *[r for r in ROLES if r not in roles]]:
            cases.append((route, role))
    return cases


DENIED = _denied_cases()


@pytest.mark.parametrize(("route", "role"), DENIED, ids=[f"{r}-{role}" for r, role in DENIED])
def test_a_denied_write_changes_nothing(two_posts, make_user, session_client, route, role):
    user = make_user(role, two_posts[0]) if role else make_user(None, username=f"nobody-{uuid.uuid4().hex[:6]}")
    client = session_client(user)
    path = _fill(route, {"code": two_posts[1].code, "panel": "nationality", "username": "someone-else",
                         "number": "CERT-0000", "report_id": "999999"})
    before = _snapshot()
    response = client.post(path, {"name": "x", "code": "NEW", "decision": "admit", "reason": "x"})
    # A page without an object in its path must refuse outright; one addressing an object (here a made-up
    # id) may also answer that it does not exist. A form's validation error (400) would mean the view got
    # as far as reading the input: that is not a refusal.
    allowed = (403, 405) if route not in OBJECT_PAGES else (403, 404, 405)
    assert response.status_code in allowed, (path, response.status_code)
    assert _snapshot() == before, f"a refused POST {path} as {role} changed rows"
