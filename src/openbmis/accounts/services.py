"""Write path for accounts: users, roles, tokens, lockout and TOTP. Every write is audited."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pyotp
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from openbmis.accounts.models import ApiToken, RoleAssignment, User
from openbmis.accounts.roles import SCOPES, TWO_FACTOR_ROLES, Role
from openbmis.audit import services as audit
from openbmis.borderposts.models import BorderPost
from openbmis.core.errors import Conflict, InvalidInput, NotFound

TOKEN_PREFIX = "obmis"
TOTP_ISSUER = "OpenBMIS"


# --- users and roles ---------------------------------------------------------------------------------

# Checks run before a role is given: each returns the problems (for example certificates the role requires
# and the user lacks). Other apps register theirs in AppConfig.ready(); the check decides whether a problem
# refuses the assignment (it raises a DomainError) or is a warning (it returns it).
RoleCheck = Callable[[User, str], list[str]]
ROLE_CHECKS: list[RoleCheck] = []


def register_role_check(check: RoleCheck) -> None:
    if check not in ROLE_CHECKS:
        ROLE_CHECKS.append(check)


def create_user(
    actor: Any, *, username: str, password: str, full_name: str = "", email: str = "", validate: bool = True
) -> User:
    username = username.strip()
    if not username:
        raise InvalidInput("username is required", field="username")
    if User.objects.filter(username=username).exists():
        raise Conflict(f"a user named {username!r} already exists", field="username")
    user = User(username=username, email=email)
    first, _, last = full_name.partition(" ")
    user.first_name, user.last_name = first, last
    if validate:
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise InvalidInput("; ".join(exc.messages), field="password") from None
    user.set_password(password)
    with transaction.atomic():
        user.save()
        audit.record(actor=actor, action="user.create", object_type="user", object_id=str(user.id),
                     object_label=username, after=audit.snapshot(user))
    return user


def assign_role(actor: Any, user: User, role: str, border_post: BorderPost | None) -> RoleAssignment:
    try:
        role_value = Role(role)
    except ValueError:
        raise InvalidInput(f"unknown role {role!r}; known: {', '.join(r.value for r in Role)}", field="role") from None
    warnings = [problem for check in ROLE_CHECKS for problem in check(user, role_value.value)]
    with transaction.atomic():
        assignment, created = RoleAssignment.objects.get_or_create(user=user, role=role_value, border_post=border_post)
        if created:
            after: dict[str, Any] = {"role": role_value.value,
                                     "border_post": border_post.code if border_post else None}
            if warnings:
                after["warnings"] = warnings
            audit.record(
                actor=actor, action="role.assign", object_type="user", object_id=str(user.id),
                object_label=user.username, after=after,
                border_post_code=border_post.code if border_post else "",
            )
    user.__dict__.pop("_openbmis_grants", None)
    assignment.warnings = warnings  # type: ignore[attr-defined]
    return assignment


def remove_role(actor: Any, assignment: RoleAssignment) -> None:
    with transaction.atomic():
        before = {"role": assignment.role, "border_post": assignment.border_post.code if assignment.border_post else None}
        assignment.delete()
        audit.record(actor=actor, action="role.remove", object_type="user", object_id=str(assignment.user_id),
                     object_label=assignment.user.username, before=before)


def set_identity_access(actor: Any, user: User, allowed: bool, reason: str) -> None:
    """Grant or withdraw an analyst's access to identities (beyond aggregates). Audited with the reason."""
    if not reason.strip():
        raise InvalidInput("a reason is required", field="reason")
    if user.can_view_identities == allowed:
        return
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(can_view_identities=allowed)
        audit.record(actor=actor, action="user.identity_access", object_type="user", object_id=str(user.id),
                     object_label=user.username, before={"can_view_identities": not allowed},
                     after={"can_view_identities": allowed}, reason=reason.strip())
    user.can_view_identities = allowed


def requires_two_factor(user: User) -> bool:
    return user.role_assignments.filter(role__in=[r.value for r in TWO_FACTOR_ROLES]).exists()


# --- lockout -------------------------------------------------------------------------------------------

def record_login_failure(username: str) -> User | None:
    """Count a failed login; lock the account after the configured number of failures."""
    with transaction.atomic():
        user = User.objects.select_for_update().filter(username=username).first()
        if user is None:
            audit.record(actor=audit.SYSTEM, action="login.failed", object_type="user", reason="unknown username")
            return None
        user.failed_login_count += 1
        locked_now = False
        if user.failed_login_count >= settings.OPENBMIS_LOCKOUT_ATTEMPTS:
            user.locked_until = timezone.now() + timedelta(minutes=settings.OPENBMIS_LOCKOUT_MINUTES)
            user.failed_login_count = 0
            locked_now = True
        user.save(update_fields=["failed_login_count", "locked_until"])
        audit.record(actor=audit.SYSTEM, action="login.locked" if locked_now else "login.failed",
                     object_type="user", object_id=str(user.id), object_label=user.username)
    return user


def record_login_success(user: User) -> None:
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(failed_login_count=0, locked_until=None, last_login=timezone.now())
        audit.record(actor=user, action="login", object_type="user", object_id=str(user.id), object_label=user.username)


def unlock(actor: Any, user: User) -> None:
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(failed_login_count=0, locked_until=None)
        audit.record(actor=actor, action="user.unlock", object_type="user", object_id=str(user.id),
                     object_label=user.username)


# --- TOTP ----------------------------------------------------------------------------------------------

def start_totp_enrolment(user: User) -> str:
    """Give the user a fresh, unconfirmed TOTP secret and return its otpauth:// URI."""
    with transaction.atomic():
        user.totp_secret = pyotp.random_base32()
        user.totp_confirmed_at = None
        user.save(update_fields=["totp_secret", "totp_confirmed_at"])
        audit.record(actor=user, action="totp.enrol_start", object_type="user", object_id=str(user.id),
                     object_label=user.username)
    return pyotp.TOTP(user.totp_secret).provisioning_uri(name=user.username, issuer_name=TOTP_ISSUER)


def verify_totp(user: User, code: str, *, at: datetime | None = None) -> bool:
    """Check a code (one step of clock drift allowed) and refuse a code already used."""
    if not user.totp_secret:
        return False
    code = "".join(ch for ch in code if ch.isdigit())
    if len(code) != 6:
        return False
    totp = pyotp.TOTP(user.totp_secret)
    now = at or timezone.now()
    for drift in (0, -1, 1):
        moment = now + timedelta(seconds=30 * drift)
        step = totp.timecode(moment)
        if step > user.totp_last_step and secrets.compare_digest(totp.at(moment), code):
            with transaction.atomic():
                fields = ["totp_last_step"]
                user.totp_last_step = step
                first = user.totp_confirmed_at is None
                if first:
                    user.totp_confirmed_at = timezone.now()
                    fields.append("totp_confirmed_at")
                user.save(update_fields=fields)
                if first:
                    audit.record(actor=user, action="totp.enrol_confirm", object_type="user",
                                 object_id=str(user.id), object_label=user.username)
            return True
    return False


# --- API tokens ----------------------------------------------------------------------------------------

def _hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create_token(
    actor: Any, user: User, *, name: str, scopes: list[str], expires_in_days: int | None = None
) -> tuple[ApiToken, str]:
    """Create a token; returns the row and the plain token, which is never stored nor shown again."""
    if not scopes:
        raise InvalidInput("at least one scope is required", field="scopes")
    unknown = sorted(set(scopes) - SCOPES)
    if unknown:
        raise InvalidInput(f"unknown scope(s) {', '.join(unknown)}; known: {', '.join(sorted(SCOPES))}",
                           field="scopes")
    prefix = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    expires_at = timezone.now() + timedelta(days=expires_in_days) if expires_in_days else None
    with transaction.atomic():
        token = ApiToken.objects.create(user=user, name=name or "token", prefix=prefix,
                                        secret_hash=_hash_secret(secret), scopes=sorted(set(scopes)),
                                        expires_at=expires_at)
        audit.record(actor=actor, action="token.create", object_type="api_token", object_id=str(token.id),
                     object_label=f"{user.username}/{token.name}",
                     after={"scopes": token.scopes, "prefix": prefix, "expires_at": expires_at})
    return token, f"{TOKEN_PREFIX}_{prefix}_{secret}"


def authenticate_token(raw: str) -> ApiToken | None:
    """The active token for a presented bearer string, or None."""
    parts = raw.strip().split("_", 2)
    if len(parts) != 3 or parts[0] != TOKEN_PREFIX:
        return None
    token = ApiToken.objects.select_related("user").filter(prefix=parts[1]).first()
    if token is None or not secrets.compare_digest(token.secret_hash, _hash_secret(parts[2])):
        return None
    if not token.is_active() or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token


def revoke_token(actor: Any, token: ApiToken) -> None:
    if token.revoked_at is not None:
        raise Conflict("this token is already revoked")
    with transaction.atomic():
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit.record(actor=actor, action="token.revoke", object_type="api_token", object_id=str(token.id),
                     object_label=f"{token.user.username}/{token.name}")


def get_user(username: str) -> User:
    try:
        return User.objects.get(username=username)
    except User.DoesNotExist:
        raise NotFound(f"no user named {username!r}", field="username") from None
