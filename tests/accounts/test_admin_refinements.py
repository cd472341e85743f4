"""Issue 19, the administrator: identity access only for analysts, a counter role held nationally only with a
confirmation, and the token page offering only the scopes its user's roles carry."""

from __future__ import annotations

import re

import pytest

from openbmis.accounts import services
from openbmis.accounts.models import RoleAssignment
from openbmis.core.errors import InvalidInput


def test_identity_access_is_for_analysts_only(make_user, admin, session_client, two_posts):
    officer = make_user("primary_officer", two_posts[0], username="counter-one")
    analyst = make_user("analyst", None, username="analyst-one")
    with pytest.raises(InvalidInput, match="analysts only"):
        services.set_identity_access(admin, officer, True, "asked for it")
    web = session_client(admin)
    assert 'data-testid="identity-access"' not in web.get(f"/account/users/{officer.username}/").content.decode()
    assert 'data-testid="identity-access"' in web.get(f"/account/users/{analyst.username}/").content.decode()


def test_a_counter_role_given_nationally_needs_a_confirmation(make_user, admin, session_client, two_posts):
    subject = make_user(None, username="new-officer")
    web = session_client(admin)
    page = web.post(f"/account/users/{subject.username}/", {"action": "assign", "role": "primary_officer"})
    assert page.status_code == 400 and "confirm" in page.content.decode().lower()
    assert not RoleAssignment.objects.filter(user=subject).exists()
    web.post(f"/account/users/{subject.username}/",
             {"action": "assign", "role": "primary_officer", "border_post": two_posts[0].pk})
    assert RoleAssignment.objects.get(user=subject).border_post == two_posts[0]
    web.post(f"/account/users/{subject.username}/",
             {"action": "assign", "role": "supervisor", "confirm_national": "on"})
    assert RoleAssignment.objects.filter(user=subject, role="supervisor", border_post=None).exists()
    analyst = make_user(None, username="new-analyst")  # analysts work nationally: no confirmation asked
    web.post(f"/account/users/{analyst.username}/", {"action": "assign", "role": "analyst"})
    assert RoleAssignment.objects.filter(user=analyst, role="analyst", border_post=None).exists()


def test_the_token_page_offers_only_the_roles_scopes(make_user, session_client, two_posts):
    officer = make_user("primary_officer", two_posts[0], username="token-officer")
    page = session_client(officer).get("/account/tokens/").content.decode()
    offered = set(re.findall(r'name="scopes" value="([^"]+)"', page))
    assert {"inspections:write", "identities:read", "tokens:manage"} <= offered
    assert not {"statistics:read", "watchlists:write", "audit:read", "accounts:write"} & offered
