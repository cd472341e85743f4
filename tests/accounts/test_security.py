"""Attacks on authentication and accounts (issue 13), most of them through the served application.

Each test is an attack that worked before: TOTP guessing without limit, one code accepted in several sessions,
self-enrolment by whoever has the password, public credentials in production, accounts that could not be
stopped, tokens that manage tokens, administrators who audit themselves, lockout as a denial of service.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pyotp
import pytest
from django.test import Client
from django.utils import timezone

from openbmis.accounts import services
from openbmis.accounts.models import ApiToken, LoginThrottle, RoleAssignment, User
from openbmis.audit import services as audit
from openbmis.audit.models import AuditEvent
from openbmis.core.errors import AccessDenied, Conflict, InvalidInput

pytestmark = pytest.mark.xdist_group("accounts-served-8102")


def enrolled(user: User) -> pyotp.TOTP:
    """Give the user a confirmed authenticator (what a finished enrolment leaves)."""
    services.start_totp_enrolment(user)
    User.objects.filter(pk=user.pk).update(totp_confirmed_at=timezone.now())
    user.refresh_from_db()
    return pyotp.TOTP(user.totp_secret)


def wrong_codes(totp: pyotp.TOTP, count: int) -> list[str]:
    """Codes that are not valid now nor one step either side."""
    now = timezone.now()
    valid = {totp.at(now + timedelta(seconds=30 * d)) for d in range(-2, 3)}
    codes, n = [], 0
    while len(codes) < count:
        code = f"{(int(totp.at(now)) + 7919 * (n + 1)) % 1_000_000:06d}"
        n += 1
        if code not in valid:
            codes.append(code)
    return codes


# --- 1. the second factor has an attempt limit, a lock and an audit trail -------------------------------

def test_300_wrong_codes_lock_the_account_and_then_the_right_code_is_refused(visitor, make_user):
    admin = make_user("administrator", None, username="sam", password="right-pass-1")
    totp = enrolled(admin)
    attacker = visitor()
    assert attacker.login("sam", "right-pass-1").status == 302
    answers = [attacker.post("/account/2fa/", {"code": code}) for code in wrong_codes(totp, 300)]
    # four refusals, then the fifth wrong code locks the account and ends the session
    assert [a.status for a in answers[:4]] == [400] * 4
    assert all(a.status == 302 and a.location.startswith("/account/login/") for a in answers[4:])
    right = attacker.post("/account/2fa/", {"code": totp.now()})
    assert right.status == 302 and right.location.startswith("/account/login/")
    assert attacker.get("/account/users/").status == 302
    assert User.objects.get(pk=admin.pk).is_locked()
    assert User.objects.get(pk=admin.pk).totp_last_step == 0  # the right code was never accepted
    # the password alone does not get back in while the account is locked, from this or any address
    relogin = attacker.login("sam", "right-pass-1")
    assert relogin.status == 401 and "locked" in relogin.body
    assert AuditEvent.objects.filter(action="totp.failed", object_label="sam").count() == 5
    assert AuditEvent.objects.filter(action="login.locked", object_label="sam").exists()
    assert audit.verify().ok


def test_logging_in_again_does_not_buy_more_second_factor_guesses(client, make_user, settings):
    settings.OPENBMIS_LOCKOUT_ATTEMPTS = 3
    make_user("auditor", None, username="ruth", password="right-pass-1")
    totp = enrolled(User.objects.get(username="ruth"))
    codes = iter(wrong_codes(totp, 10))
    for _ in range(2):
        client.post("/account/login/", {"username": "ruth", "password": "right-pass-1"})
        client.post("/account/2fa/", {"code": next(codes)})
        client.post("/account/logout/")
    assert client.post("/account/login/", {"username": "ruth", "password": "right-pass-1"}).status_code == 302
    response = client.post("/account/2fa/", {"code": next(codes)})
    assert response.status_code == 302 and response["Location"].startswith("/account/login/")
    assert User.objects.get(username="ruth").is_locked()


def test_a_right_code_resets_the_count(make_user, settings):
    settings.OPENBMIS_LOCKOUT_ATTEMPTS = 3
    user = make_user("administrator")
    totp = enrolled(user)
    for code in wrong_codes(totp, 2):
        assert not services.verify_totp(user, code)
    assert services.verify_totp(user, totp.now())
    assert User.objects.get(pk=user.pk).failed_login_count == 0


# --- 7. one code, one use, even from sessions racing each other --------------------------------------

def test_one_code_is_accepted_once_across_concurrent_sessions(visitor, make_user, settings):
    from django.db import connection

    if connection.vendor == "sqlite":
        pytest.skip("SQLite's in-memory test database (shared cache) takes table locks that never wait, so racing"
                    " requests fail there for a reason no installation has; run with OPENBMIS_DATABASE_URL=postgres://")
    settings.OPENBMIS_LOCKOUT_ATTEMPTS = 20  # the losers' failures must not lock: this test is about reuse
    admin = make_user("administrator", None, username="sam", password="right-pass-1")
    totp = enrolled(admin)
    sessions = [visitor() for _ in range(6)]
    for browser in sessions:
        assert browser.login("sam", "right-pass-1").status == 302
    code = totp.now()
    start = threading.Barrier(len(sessions))

    def attempt(browser):
        start.wait()
        return browser.post("/account/2fa/", {"code": code})

    with ThreadPoolExecutor(len(sessions)) as pool:
        answers = list(pool.map(attempt, sessions))
    accepted = [a for a in answers if a.status == 302 and a.location == "/"]
    assert len(accepted) == 1, [(a.status, a.location) for a in answers]
    assert sorted(a.status for a in answers if a not in accepted) == [400] * 5
    assert AuditEvent.objects.filter(action="totp.failed", reason="code already used").count() == 5


def test_a_replayed_code_is_refused_and_counted(make_user):
    user = make_user("administrator")
    totp = enrolled(user)
    now = timezone.now()
    assert services.verify_totp(user, totp.at(now), at=now)
    assert not services.verify_totp(user, totp.at(now), at=now)
    assert User.objects.get(pk=user.pk).failed_login_count == 1


# --- 2. no public credentials in production; a first enrolment needs an issued code ----------------------

def test_first_enrolment_in_production_needs_an_administrator_issued_code(make_user, settings):
    settings.OPENBMIS_PRODUCTION = True
    admin = make_user("administrator", None, username="sam")
    ruth = make_user("auditor", None, username="ruth", password="ruth-pw-for-tests")
    thief = Client()
    assert thief.post("/account/login/", {"username": "ruth", "password": "ruth-pw-for-tests"}).status_code == 302
    page = thief.get("/account/2fa/")
    assert page.status_code == 200 and b"enrolment code" in page.content
    assert b"totp-secret" not in page.content
    assert User.objects.get(pk=ruth.pk).totp_secret == ""  # the password alone binds no authenticator
    # a TOTP code is no way around it, and a guessed enrolment code counts as a failure
    assert thief.post("/account/2fa/", {"code": "123456"}).status_code == 400
    assert thief.post("/account/2fa/", {"enrolment_code": "guess-guess-guess"}).status_code == 400
    assert AuditEvent.objects.filter(action="totp.failed", object_label="ruth").count() == 1
    assert User.objects.get(pk=ruth.pk).totp_secret == ""

    code = services.issue_totp_enrolment(admin, ruth)
    owner = Client()
    owner.post("/account/login/", {"username": "ruth", "password": "ruth-pw-for-tests"})
    response = owner.post("/account/2fa/", {"enrolment_code": code})
    assert response.status_code == 302 and response["Location"] == "/account/2fa/"
    # spent: the same code does nothing a second time
    assert thief.post("/account/2fa/", {"enrolment_code": code}).status_code == 400
    page = owner.get("/account/2fa/")
    assert b"totp-secret" in page.content
    secret = User.objects.get(pk=ruth.pk).totp_secret
    assert owner.post("/account/2fa/", {"code": pyotp.TOTP(secret).now()}).status_code == 302
    assert owner.get("/audit/").status_code == 200
    assert User.objects.get(pk=ruth.pk).totp_confirmed_at is not None
    assert AuditEvent.objects.filter(action="totp.enrolment_issue", object_label="ruth").exists()


def test_an_expired_enrolment_code_is_refused(make_user, settings):
    settings.OPENBMIS_PRODUCTION = True
    user = make_user("auditor")
    code = services.issue_totp_enrolment("test", user)
    User.objects.filter(pk=user.pk).update(totp_enrolment_expires_at=timezone.now() - timedelta(seconds=1))
    assert not services.redeem_totp_enrolment(user, code)
    assert User.objects.get(pk=user.pk).totp_secret == ""


def test_the_demo_password_is_refused_at_login_in_production_and_works_in_development(client, make_user, settings):
    from openbmis.demo.seed import DEMO_PASSWORD

    make_user("analyst", None, username="lucy", password=DEMO_PASSWORD)
    settings.OPENBMIS_PRODUCTION = True
    response = client.post("/account/login/", {"username": "lucy", "password": DEMO_PASSWORD})
    assert response.status_code == 401 and b"publicly known" in response.content
    assert AuditEvent.objects.filter(action="login.public_password", object_label="lucy").exists()
    settings.OPENBMIS_PRODUCTION = False
    assert client.post("/account/login/", {"username": "lucy", "password": DEMO_PASSWORD}).status_code == 302


def test_the_demo_data_set_is_refused_in_production(db, settings):
    from openbmis.demo import seed

    settings.OPENBMIS_PRODUCTION = True
    with pytest.raises(AccessDenied, match="production"):
        seed.load(crossings=0)
    assert not User.objects.exists()


@pytest.mark.parametrize("password", ["openbmis-demo", "OpenBMIS-Demo", "changeme", "password123"])
def test_publicly_known_passwords_are_refused(make_user, password):
    with pytest.raises(InvalidInput) as excinfo:
        services.create_user("test", username="weak", password=password)
    assert excinfo.value.field == "password"
    user = make_user("analyst")
    with pytest.raises(InvalidInput):
        services.reset_password("test", user, password)


def test_the_demo_password_is_on_the_shipped_list():
    from openbmis.accounts.passwords import is_publicly_known
    from openbmis.demo.seed import DEMO_PASSWORD

    assert is_publicly_known(DEMO_PASSWORD)
    assert not is_publicly_known("a-long-and-private-passphrase-77")


# --- 13. account lifecycle -------------------------------------------------------------------------------

def test_deactivation_stops_sessions_and_tokens_at_once(visitor, make_user, two_posts):
    admin = make_user("administrator", None, username="sam", password="right-pass-1")
    totp = enrolled(admin)
    make_user("primary_officer", two_posts[0], username="amina", password="right-pass-1")
    _token, secret = services.create_token("test", User.objects.get(username="amina"), name="kiosk",
                                           scopes=["borderposts:read"])
    officer = visitor()
    assert officer.login("amina", "right-pass-1").status == 302
    assert officer.get("/inspect/").status == 200
    bearer = {"Authorization": f"Bearer {secret}"}
    assert officer.get("/api/me", headers=bearer).status == 200

    boss = visitor()
    boss.login("sam", "right-pass-1")
    assert boss.post("/account/2fa/", {"code": totp.now()}).status == 302
    done = boss.post("/account/users/amina/", {"action": "deactivate", "reason": "left the service"})
    assert done.status == 302

    assert officer.get("/inspect/").status == 302  # the open session is gone
    assert officer.get("/api/me", headers=bearer).status == 401
    assert officer.login("amina", "right-pass-1").status == 401
    assert ApiToken.objects.get(name="kiosk").revoked_at is not None
    event = AuditEvent.objects.get(action="user.deactivate", object_label="amina")
    assert event.reason == "left the service" and event.after["tokens_revoked"] == 1
    # reactivation restores the login, not the tokens
    services.set_active(admin, User.objects.get(username="amina"), True, "came back")
    assert officer.login("amina", "right-pass-1").status == 302
    assert visitor().get("/api/me", headers=bearer).status == 401


def test_deactivation_needs_a_reason_and_nobody_deactivates_themself(make_user):
    admin = make_user("administrator")
    with pytest.raises(InvalidInput):
        services.set_active(admin, make_user("analyst"), False, " ")
    with pytest.raises(Conflict):
        services.set_active(admin, admin, False, "oops")


def test_password_change_needs_the_current_one_and_ends_other_sessions(make_user, two_posts):
    user = make_user("primary_officer", two_posts[0], username="amina", password="right-pass-1")
    other = Client()
    other.post("/account/login/", {"username": "amina", "password": "right-pass-1"})
    me = Client()
    me.post("/account/login/", {"username": "amina", "password": "right-pass-1"})
    assert me.get("/account/password/").status_code == 200
    wrong = me.post("/account/password/", {"current_password": "nope", "new_password": "a-private-phrase-77"})
    assert wrong.status_code == 400
    weak = me.post("/account/password/", {"current_password": "right-pass-1", "new_password": "openbmis-demo"})
    assert weak.status_code == 400 and b"publicly known" in weak.content
    done = me.post("/account/password/", {"current_password": "right-pass-1", "new_password": "a-private-phrase-77"})
    assert done.status_code == 302
    assert me.get("/inspect/").status_code == 200  # this session stays
    assert other.get("/inspect/").status_code == 302  # the others end
    assert User.objects.get(pk=user.pk).check_password("a-private-phrase-77")
    assert AuditEvent.objects.filter(action="user.password_change", object_label="amina").count() == 1


def test_administrator_resets_password_and_two_factor(session_client, make_user):
    admin = make_user("administrator", None, username="sam")
    ruth = make_user("auditor", None, username="ruth", password="right-pass-1")
    enrolled(ruth)
    ruth_session = Client()
    ruth_session.post("/account/login/", {"username": "ruth", "password": "right-pass-1"})
    page = session_client(admin)
    response = page.post("/account/users/ruth/", {"action": "reset_password", "new_password": "new-private-phrase-5"})
    assert response.status_code == 302
    assert ruth_session.get("/account/2fa/").status_code == 302  # the password changed: her session ended
    response = page.post("/account/users/ruth/", {"action": "reset_totp"})
    assert response.status_code == 200 and b"enrolment-code" in response.content
    fresh = User.objects.get(pk=ruth.pk)
    assert fresh.totp_secret == "" and fresh.totp_confirmed_at is None and fresh.totp_enrolment_hash
    assert fresh.check_password("new-private-phrase-5")
    actions = set(AuditEvent.objects.filter(object_label="ruth").values_list("action", flat=True))
    assert {"user.password_reset", "totp.reset", "totp.enrolment_issue"} <= actions


# --- 16, 17. tokens ---------------------------------------------------------------------------------------

def test_token_management_needs_its_own_scope(client, make_user):
    user = make_user("analyst")
    reader, reader_secret = services.create_token("test", user, name="reader", scopes=["statistics:read"])
    other, _ = services.create_token("test", user, name="other", scopes=["statistics:read"])
    manager, manager_secret = services.create_token("test", user, name="manager", scopes=["tokens:manage"])
    as_reader = {"Authorization": f"Bearer {reader_secret}"}
    listed = client.get("/api/tokens", headers=as_reader)
    assert listed.status_code == 403 and "tokens:manage" in listed.json()["detail"]
    assert client.delete(f"/api/tokens/{other.id}", headers=as_reader).status_code == 403
    assert ApiToken.objects.get(pk=other.pk).revoked_at is None
    as_manager = {"Authorization": f"Bearer {manager_secret}"}
    assert len(client.get("/api/tokens", headers=as_manager).json()) == 3
    assert client.delete(f"/api/tokens/{other.id}", headers=as_manager).status_code == 200
    # a token may always revoke itself (a leaked one, say)
    assert client.delete(f"/api/tokens/{reader.id}", headers=as_reader).status_code == 200
    assert manager.pk


@pytest.mark.parametrize("days", [0, -1, -30, 3651])
def test_token_expiry_out_of_range_is_refused(make_user, session_client, days):
    user = make_user("analyst")
    with pytest.raises(InvalidInput) as excinfo:
        services.create_token("test", user, name="t", scopes=["statistics:read"], expires_in_days=days)
    assert excinfo.value.field == "expires_in_days"
    response = session_client(user).post("/api/tokens", {"name": "t", "scopes": ["statistics:read"],
                                                         "expires_in_days": days}, content_type="application/json")
    assert response.status_code == 422
    assert not ApiToken.objects.filter(user=user).exists()


# --- 18. separation of duties -----------------------------------------------------------------------------

def test_an_administrator_cannot_grant_itself_the_auditor_role(session_client, make_user):
    admin = make_user("administrator", None, username="sam")
    page = session_client(admin)
    response = page.post("/account/users/sam/", {"action": "assign", "role": "auditor"}, follow=True)
    assert b"separation of duties" in response.content
    assert not RoleAssignment.objects.filter(user=admin, role="auditor").exists()


def test_administrator_and_auditor_are_never_one_account(make_user):
    admin = make_user("administrator", None, username="sam")
    other_admin = make_user("administrator")
    auditor = make_user("auditor")
    with pytest.raises(Conflict, match="separation of duties"):
        services.assign_role(admin, other_admin, "auditor", None)
    with pytest.raises(Conflict, match="separation of duties"):
        services.assign_role(admin, auditor, "administrator", None)
    with pytest.raises(Conflict, match="separation of duties"):
        services.assign_role("cli", other_admin, "auditor", None)
    analyst = make_user("analyst")
    services.assign_role(admin, analyst, "auditor", None)
    assert RoleAssignment.objects.filter(user=analyst, role="auditor").exists()


# --- 19. lockout is no denial-of-service lever ------------------------------------------------------------

def test_a_stranger_cannot_lock_the_owner_out(make_user, settings):
    settings.OPENBMIS_LOCKOUT_ATTEMPTS = 3
    make_user("administrator", None, username="sam", password="right-pass-1")
    stranger = Client(REMOTE_ADDR="203.0.113.9")
    for _ in range(10):
        stranger.post("/account/login/", {"username": "sam", "password": "guess"})
    refused = stranger.post("/account/login/", {"username": "sam", "password": "right-pass-1"})
    assert refused.status_code == 401 and b"locked" in refused.content
    owner = Client(REMOTE_ADDR="198.51.100.20")
    assert owner.post("/account/login/", {"username": "sam", "password": "right-pass-1"}).status_code == 302
    assert not User.objects.get(username="sam").is_locked()


def test_an_address_that_fails_on_many_accounts_is_refused(make_user, settings):
    settings.OPENBMIS_ADDRESS_LOCKOUT_ATTEMPTS = 6
    make_user("analyst", None, username="lucy", password="right-pass-1")
    sprayer = Client(REMOTE_ADDR="203.0.113.9")
    for n in range(6):
        sprayer.post("/account/login/", {"username": f"victim{n}", "password": "Summer2026!"})
    assert LoginThrottle.objects.get(username="").is_locked()
    assert sprayer.post("/account/login/", {"username": "lucy", "password": "right-pass-1"}).status_code == 401
    assert Client(REMOTE_ADDR="198.51.100.20").post(
        "/account/login/", {"username": "lucy", "password": "right-pass-1"}).status_code == 302
    assert AuditEvent.objects.filter(action="login.address_refused").count() == 1
    # no address is kept in the clear
    assert not LoginThrottle.objects.filter(address_hash__contains="203.0.113.9").exists()


def test_unlock_lifts_the_locks_for_every_address(make_user, settings):
    settings.OPENBMIS_LOCKOUT_ATTEMPTS = 2
    user = make_user("analyst", None, username="lucy", password="right-pass-1")
    stranger = Client(REMOTE_ADDR="203.0.113.9")
    for _ in range(2):
        stranger.post("/account/login/", {"username": "lucy", "password": "guess"})
    assert services.login_refused("lucy", "203.0.113.9")
    services.unlock("test", user)
    assert not services.login_refused("lucy", "203.0.113.9")
