"""Login with Argon2 hashes, lockout, two-factor for administrators and auditors, CSRF and headers."""

from __future__ import annotations

from datetime import timedelta

import pyotp
import pytest
from django.test import Client
from django.utils import timezone

from openbmis.accounts import services
from openbmis.accounts.models import LoginThrottle, User
from openbmis.audit.models import AuditEvent


def test_passwords_are_hashed_with_argon2(db):
    user = services.create_user("test", username="hashme", password="Correct-Horse-Battery-9")
    stored = User.objects.get(pk=user.pk).password
    assert stored.startswith("argon2$argon2id$")
    assert "Correct-Horse" not in stored
    assert User.objects.get(pk=user.pk).check_password("Correct-Horse-Battery-9")


def test_weak_password_is_refused_with_the_reason(db):
    from openbmis.core.errors import InvalidInput

    with pytest.raises(InvalidInput) as excinfo:
        services.create_user("test", username="weak", password="12345")
    assert excinfo.value.field == "password"
    assert "too short" in excinfo.value.message
    assert not User.objects.filter(username="weak").exists()


def test_login_and_logout(client, make_user, two_posts):
    make_user("primary_officer", two_posts[0], username="amina", password="s3cret-pass-1")
    response = client.post("/account/login/", {"username": "amina", "password": "s3cret-pass-1"})
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    assert AuditEvent.objects.filter(action="login", object_label="amina").exists()
    client.post("/account/logout/")
    assert client.get("/").status_code == 302


def test_wrong_password_is_refused_and_counted(client, make_user):
    make_user("analyst", None, username="lucy", password="right-pass-1")
    response = client.post("/account/login/", {"username": "lucy", "password": "wrong"})
    assert response.status_code == 401
    assert b"Wrong username or password" in response.content
    assert LoginThrottle.objects.get(username="lucy").failures == 1
    assert AuditEvent.objects.filter(action="login.failed", object_label="lucy").count() == 1


def test_lockout_after_repeated_failures_even_with_the_right_password(client, make_user, settings):
    settings.OPENBMIS_LOCKOUT_ATTEMPTS = 3
    make_user("analyst", None, username="lucy", password="right-pass-1")
    for _ in range(3):
        client.post("/account/login/", {"username": "lucy", "password": "wrong"})
    assert LoginThrottle.objects.get(username="lucy").is_locked()  # for the address the failures came from
    response = client.post("/account/login/", {"username": "lucy", "password": "right-pass-1"})
    assert response.status_code == 401
    assert b"locked" in response.content
    assert AuditEvent.objects.filter(action="login.locked", object_label="lucy").exists()
    # once the lock has expired the right password works again
    LoginThrottle.objects.filter(username="lucy").update(locked_until=timezone.now() - timedelta(seconds=1))
    response = client.post("/account/login/", {"username": "lucy", "password": "right-pass-1"})
    assert response.status_code == 302


def test_open_redirect_is_refused(client, make_user):
    make_user("analyst", None, username="lucy", password="right-pass-1")
    response = client.post("/account/login/?next=https://evil.example/", {"username": "lucy", "password": "right-pass-1"})
    assert response["Location"] == "/"


@pytest.mark.parametrize("role", ["administrator", "auditor"])
def test_two_factor_enrolment_and_verification(client, make_user, role):
    make_user(role, None, username="boss", password="right-pass-1")
    client.post("/account/login/", {"username": "boss", "password": "right-pass-1"})
    # every page leads to the second-factor page until a code is given
    response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith("/account/2fa/")
    page = client.get("/account/2fa/")
    assert b"<svg" in page.content  # the enrolment QR code
    secret = User.objects.get(username="boss").totp_secret
    assert secret and secret.encode() in page.content
    assert client.post("/account/2fa/", {"code": "000000"}).status_code == 400
    response = client.post("/account/2fa/", {"code": pyotp.TOTP(secret).now()})
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    assert User.objects.get(username="boss").totp_confirmed_at is not None


def test_totp_code_cannot_be_replayed(make_user):
    user = make_user("administrator", None)
    services.start_totp_enrolment(user)
    now = timezone.now()
    code = pyotp.TOTP(user.totp_secret).at(now)
    assert services.verify_totp(user, code, at=now)
    assert not services.verify_totp(user, code, at=now)


def test_session_api_calls_need_the_second_factor_too(client, make_user):
    make_user("auditor", None, username="ruth", password="right-pass-1")
    client.post("/account/login/", {"username": "ruth", "password": "right-pass-1"})
    assert client.get("/api/audit/events").status_code == 401


def test_officers_do_not_need_a_second_factor(client, make_user, two_posts):
    make_user("primary_officer", two_posts[0], username="amina", password="right-pass-1")
    client.post("/account/login/", {"username": "amina", "password": "right-pass-1"})
    assert client.get("/").status_code == 200


def test_csrf_is_enforced_on_forms_and_session_api_calls(make_user, two_posts):
    make_user("administrator", None, username="sam", password="right-pass-1")
    strict = Client(enforce_csrf_checks=True)
    assert strict.post("/account/login/", {"username": "sam", "password": "right-pass-1"}).status_code == 403
    strict.get("/account/login/")
    token = strict.cookies["csrftoken"].value
    response = strict.post("/account/login/", {"username": "sam", "password": "right-pass-1",
                                               "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    from openbmis.accounts.middleware import SESSION_KEY

    session = strict.session
    session[SESSION_KEY] = True
    session.save()
    body = '{"name": "Renamed"}'
    response = strict.patch("/api/border-posts/TST-A", body, content_type="application/json")
    assert response.status_code in (401, 403)
    assert two_posts[0].__class__.objects.get(code="TST-A").name == "Post A"
    response = strict.patch("/api/border-posts/TST-A", body, content_type="application/json",
                            headers={"X-CSRFToken": strict.cookies["csrftoken"].value})
    assert response.status_code == 200


def test_secure_headers(client, db):
    response = client.get("/account/login/")
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert len(response["X-Request-ID"]) >= 8


def test_session_expires_when_idle(settings):
    assert settings.SESSION_SAVE_EVERY_REQUEST is True
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True


def test_the_login_page_starts_in_the_user_name_for_the_keyboard(client, db):
    """An officer logs in by keyboard alone: the cursor is in the user name (it was nowhere, found when the
    demo was used from outside), the browser may fill the saved name and password."""
    import re

    page = client.get("/account/login/").content.decode()
    username = re.search(r'<input[^>]*name="username"[^>]*>', page).group(0)
    password = re.search(r'<input[^>]*name="password"[^>]*>', page).group(0)
    assert "autofocus" in username and 'autocomplete="username"' in username
    assert 'autocomplete="current-password"' in password
