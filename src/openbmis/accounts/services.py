"""Write path for accounts: users, roles, tokens, lockout and TOTP. Every write is audited."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from datetime import datetime, timedelta

import pyotp
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext

from openbmis.accounts.actors import Actor
from openbmis.accounts.models import ApiToken, LoginThrottle, RoleAssignment, User
from openbmis.accounts.roles import SCOPES, TWO_FACTOR_ROLES, Role
from openbmis.audit import services as audit
from openbmis.borderposts.models import BorderPost
from openbmis.core.errors import Conflict, InvalidInput, NotFound
from openbmis.core.pii import short_hash

TOKEN_PREFIX = "obmis"
TOTP_ISSUER = "OpenBMIS"
ENROLMENT_CODE_DAYS = 7
MAX_TOKEN_DAYS = 3650
# Administrators and auditors check each other: no account holds both roles.
SEPARATED_ROLES = frozenset({Role.ADMINISTRATOR, Role.AUDITOR})


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
    actor: Actor, *, username: str, password: str, full_name: str = "", email: str = "", validate: bool = True
) -> User:
    username = username.strip()
    if not username:
        raise InvalidInput(gettext("username is required"), field="username")
    if User.objects.filter(username=username).exists():
        raise Conflict(gettext("a user named %(username)r already exists")
                       % {"username": username}, field="username")
    user = User(username=username, email=email)
    first, _, last = full_name.partition(" ")
    user.first_name, user.last_name = first, last
    if validate:
        _validate_new_password(password, user, field="password")
    user.set_password(password)
    with transaction.atomic():
        user.save()
        audit.record(actor=actor, action="user.create", object_type="user", object_id=str(user.id),
                     object_label=username, after=audit.snapshot(user))
    return user


def _validate_new_password(password: str, user: User, *, field: str) -> None:
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise InvalidInput("; ".join(exc.messages), field=field) from None


def assign_role(actor: Actor, user: User, role: str, border_post: BorderPost | None) -> RoleAssignment:
    try:
        role_value = Role(role)
    except ValueError:
        raise InvalidInput(gettext("unknown role %(role)r; known: %(known)s")
                           % {"role": role, "known": ', '.join(r.value for r in Role)}, field="role") from None
    if role_value in SEPARATED_ROLES:
        held = set(user.role_assignments.values_list("role", flat=True))
        clash = sorted(r.value for r in SEPARATED_ROLES - {role_value} if r.value in held)
        if clash:
            raise Conflict(gettext("separation of duties: %(username)s holds %(clash)s and cannot also be %(role_value)s")
                           % {"username": user.username, "clash": clash[0], "role_value": role_value},
                           field="role")
        if getattr(actor, "pk", None) == user.pk:
            raise Conflict(gettext("separation of duties: nobody grants themself the %(role_value)s role")
                           % {"role_value": role_value}, field="role")
    warnings = [problem for check in ROLE_CHECKS for problem in check(user, role_value.value)]
    with transaction.atomic():
        assignment, created = RoleAssignment.objects.get_or_create(user=user, role=role_value, border_post=border_post)
        if created:
            after: dict[str, object] = {"role": role_value.value,
                                     "border_post": border_post.code if border_post else None}
            if warnings:
                # the trail keeps the warnings in English whatever language the administrator reads
                with translation.override("en"):
                    after["warnings"] = [problem for check in ROLE_CHECKS for problem in check(user, role_value.value)]
            audit.record(
                actor=actor, action="role.assign", object_type="user", object_id=str(user.id),
                object_label=user.username, after=after,
                border_post_code=border_post.code if border_post else "",
            )
    user.__dict__.pop("_openbmis_grants", None)
    assignment.warnings = warnings  # type: ignore[attr-defined]
    return assignment


def remove_role(actor: Actor, assignment: RoleAssignment) -> None:
    with transaction.atomic():
        before = {"role": assignment.role, "border_post": assignment.border_post.code if assignment.border_post else None}
        assignment.delete()
        audit.record(actor=actor, action="role.remove", object_type="user", object_id=str(assignment.user_id),
                     object_label=assignment.user.username, before=before)


def set_identity_access(actor: Actor, user: User, allowed: bool, reason: str) -> None:
    """Grant or withdraw an analyst's access to identities (beyond aggregates). Audited with the reason."""
    if not reason.strip():
        raise InvalidInput(gettext("a reason is required"), field="reason")
    if allowed and not user.role_assignments.filter(role=Role.ANALYST).exists():
        # Officers see identities through their roles at their posts; the switch is for analysts' aggregates.
        raise InvalidInput(gettext("%(username)s is not an analyst: access to identities is granted to analysts only")
                           % {"username": user.username},
                           field="user")
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
#
# Failed logins are counted per client address: for one account ((address, username) rows) and for all accounts
# (the (address, "") row). Password failures lock an account only for the address they came from, so a stranger
# cannot lock its owner out; an address that fails too often across accounts is refused altogether. A wrong
# second factor proves the password is known: it also counts on the account itself, which then locks everywhere.

def _address_hash(address: str) -> str:
    return hashlib.sha256(f"openbmis-login:{address}".encode()).hexdigest()


def login_refused(username: str, address: str) -> bool:
    """True while the account is locked, or locked for this address, or the address is refused."""
    user = User.objects.filter(username=username).only("locked_until").first()
    if user is not None and user.is_locked():
        return True
    rows = LoginThrottle.objects.filter(address_hash=_address_hash(address), username__in=[username, ""])
    return any(row.is_locked() for row in rows)


def _count_address_failure(username: str, address: str) -> tuple[bool, bool]:
    """Count one failure from ``address``; return (account now locked for it, address now refused)."""
    now = timezone.now()
    window = timedelta(minutes=settings.OPENBMIS_LOCKOUT_MINUTES)
    # Counts past the lockout period mean nothing any more: the table holds only the current window.
    LoginThrottle.objects.filter(last_failure_at__lt=now - window).exclude(locked_until__gt=now).delete()
    locked = []
    for key, limit in ((username, settings.OPENBMIS_LOCKOUT_ATTEMPTS), ("", settings.OPENBMIS_ADDRESS_LOCKOUT_ATTEMPTS)):
        row, _created = LoginThrottle.objects.select_for_update().get_or_create(
            address_hash=_address_hash(address), username=key)
        if row.last_failure_at is not None and now - row.last_failure_at > window:
            row.failures = 0  # failures older than the lockout period are forgotten
        row.failures += 1
        row.last_failure_at = now
        locked_now = row.failures >= limit
        if locked_now:
            row.locked_until = now + window
            row.failures = 0
        row.save(update_fields=["failures", "last_failure_at", "locked_until"])
        locked.append(locked_now)
    return locked[0], locked[1]


def record_login_failure(username: str, address: str = "") -> bool:
    """Count a failed password; return True when it locked the account (for this address) or the address."""
    with transaction.atomic():
        user = User.objects.filter(username=username).first()
        account_locked, address_locked = _count_address_failure(username, address)
        where = {"address": short_hash(address)}
        if user is None:
            audit.record(actor=audit.SYSTEM, action="login.failed", object_type="user", reason="unknown username",
                         after=where)
        else:
            audit.record(actor=audit.SYSTEM, action="login.locked" if account_locked else "login.failed",
                         object_type="user", object_id=str(user.id), object_label=user.username, after=where)
        if address_locked:
            audit.record(actor=audit.SYSTEM, action="login.address_refused", object_type="address",
                         object_label=short_hash(address), reason="too many failed logins from this address")
    return account_locked or address_locked


def record_totp_failure(user: User, address: str = "", reason: str = "wrong code") -> bool:
    """Count a wrong second factor with the password failures; lock the account itself. True when locked."""
    with transaction.atomic():
        fresh = User.objects.select_for_update().get(pk=user.pk)
        fresh.failed_login_count += 1
        locked_now = fresh.failed_login_count >= settings.OPENBMIS_LOCKOUT_ATTEMPTS
        if locked_now:
            fresh.locked_until = timezone.now() + timedelta(minutes=settings.OPENBMIS_LOCKOUT_MINUTES)
            fresh.failed_login_count = 0
        fresh.save(update_fields=["failed_login_count", "locked_until"])
        _account, address_locked = _count_address_failure(user.username, address)
        audit.record(actor=user, action="totp.failed", object_type="user", object_id=str(user.id),
                     object_label=user.username, reason=reason, after={"address": short_hash(address)})
        if locked_now:
            audit.record(actor=audit.SYSTEM, action="login.locked", object_type="user", object_id=str(user.id),
                         object_label=user.username, reason="repeated second-factor failures")
    user.failed_login_count, user.locked_until = fresh.failed_login_count, fresh.locked_until
    return locked_now or address_locked


def record_login_success(user: User, address: str = "") -> None:
    """A right password: forget this address's failures for the account. The account's own counter (second-factor
    failures) is only reset by a right second factor, so that logging in again does not buy more guesses."""
    with transaction.atomic():
        LoginThrottle.objects.filter(address_hash=_address_hash(address), username=user.username).delete()
        changes: dict[str, object] = {"last_login": timezone.now()}
        if not requires_two_factor(user):
            changes.update(failed_login_count=0, locked_until=None)
        User.objects.filter(pk=user.pk).update(**changes)
        audit.record(actor=user, action="login", object_type="user", object_id=str(user.id), object_label=user.username)


def record_public_password_refusal(user: User) -> None:
    """Production: the right password was given, but it is publicly known (the demo's); the login is refused."""
    audit.record(actor=audit.SYSTEM, action="login.public_password", object_type="user", object_id=str(user.id),
                 object_label=user.username, reason="publicly known password refused in production")


def unlock(actor: Actor, user: User) -> None:
    """Lift every lock on the account: its own and those for particular addresses."""
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(failed_login_count=0, locked_until=None)
        LoginThrottle.objects.filter(username=user.username).delete()
        audit.record(actor=actor, action="user.unlock", object_type="user", object_id=str(user.id),
                     object_label=user.username)
    user.failed_login_count, user.locked_until = 0, None


# --- account lifecycle ------------------------------------------------------------------------------------

def change_password(user: User, *, current: str, new: str) -> None:
    """The user changes their own password (knowing the current one). Other sessions end."""
    if not user.check_password(current):
        raise InvalidInput(gettext("the current password is wrong"), field="current_password")
    _validate_new_password(new, user, field="new_password")
    with transaction.atomic():
        user.set_password(new)
        user.save(update_fields=["password"])
        audit.record(actor=user, action="user.password_change", object_type="user", object_id=str(user.id),
                     object_label=user.username)


def reset_password(actor: Actor, user: User, new: str) -> None:
    """An administrator sets a new password (handed over out of band); the account is unlocked, sessions end."""
    _validate_new_password(new, user, field="new_password")
    with transaction.atomic():
        user.set_password(new)
        user.save(update_fields=["password"])
        audit.record(actor=actor, action="user.password_reset", object_type="user", object_id=str(user.id),
                     object_label=user.username)
    unlock(actor, user)


def set_active(actor: Actor, user: User, active: bool, reason: str) -> int:
    """Deactivate (or reactivate) an account, with a reason. Deactivation stops its sessions at once (an inactive
    user is no longer loaded from a session) and revokes its API tokens. Returns the number of tokens revoked."""
    if not reason.strip():
        raise InvalidInput(gettext("a reason is required"), field="reason")
    if not active and getattr(actor, "pk", None) == user.pk:
        raise Conflict(gettext("you cannot deactivate your own account"), field="username")
    if user.is_active == active:
        return 0
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(is_active=active)
        revoked = 0
        if not active:
            revoked = ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())
        audit.record(actor=actor, action="user.activate" if active else "user.deactivate", object_type="user",
                     object_id=str(user.id), object_label=user.username, before={"is_active": not active},
                     after={"is_active": active, "tokens_revoked": revoked}, reason=reason.strip())
    user.is_active = active
    user.__dict__.pop("_openbmis_grants", None)
    return revoked


# --- TOTP ----------------------------------------------------------------------------------------------

def enrolment_code_required(user: User) -> bool:
    """In production a first TOTP enrolment needs a code an administrator issued (the password alone is not
    enough: whoever presented it first would otherwise bind their own authenticator)."""
    return bool(settings.OPENBMIS_PRODUCTION) and user.totp_confirmed_at is None


def issue_totp_enrolment(actor: Actor, user: User) -> str:
    """A one-time enrolment code for the user, valid ENROLMENT_CODE_DAYS; only its hash is kept."""
    code = secrets.token_urlsafe(12)
    with transaction.atomic():
        user.totp_enrolment_hash = _hash_secret(code)
        user.totp_enrolment_expires_at = timezone.now() + timedelta(days=ENROLMENT_CODE_DAYS)
        user.save(update_fields=["totp_enrolment_hash", "totp_enrolment_expires_at"])
        audit.record(actor=actor, action="totp.enrolment_issue", object_type="user", object_id=str(user.id),
                     object_label=user.username, after={"expires_at": user.totp_enrolment_expires_at})
    return code


def redeem_totp_enrolment(user: User, code: str, address: str = "") -> bool:
    """Spend an enrolment code (once: compare-and-set) and start the enrolment; a wrong code counts as a failure."""
    if User.objects.filter(pk=user.pk, locked_until__gt=timezone.now()).exists():
        return False
    spent = User.objects.filter(
        pk=user.pk, totp_confirmed_at__isnull=True, totp_enrolment_hash=_hash_secret(code.strip()),
        totp_enrolment_expires_at__gt=timezone.now(),
    ).exclude(totp_enrolment_hash="").update(totp_enrolment_hash="", totp_enrolment_expires_at=None)
    if not spent:
        record_totp_failure(user, address, reason="wrong or expired enrolment code")
        return False
    user.totp_enrolment_hash, user.totp_enrolment_expires_at = "", None
    start_totp_enrolment(user)
    return True


def start_totp_enrolment(user: User) -> str:
    """Give the user a fresh, unconfirmed TOTP secret and return its otpauth:// URI."""
    with transaction.atomic():
        user.totp_secret = pyotp.random_base32()
        user.totp_confirmed_at = None
        user.save(update_fields=["totp_secret", "totp_confirmed_at"])
        audit.record(actor=user, action="totp.enrol_start", object_type="user", object_id=str(user.id),
                     object_label=user.username)
    return pyotp.TOTP(user.totp_secret).provisioning_uri(name=user.username, issuer_name=TOTP_ISSUER)


def reset_totp(actor: Actor, user: User) -> str:
    """An administrator withdraws the user's authenticator (lost, stolen); returns a new enrolment code."""
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(totp_secret="", totp_confirmed_at=None)
        user.totp_secret, user.totp_confirmed_at = "", None
        audit.record(actor=actor, action="totp.reset", object_type="user", object_id=str(user.id),
                     object_label=user.username)
        return issue_totp_enrolment(actor, user)


def verify_totp(user: User, code: str, *, at: datetime | None = None, address: str = "") -> bool:
    """Check a code (one step of clock drift allowed). A code is used once, even by two sessions at the same
    moment: the last-used step is advanced by a conditional update (compare-and-set). A wrong or replayed
    code counts with the password failures and locks the account; a locked account's right code is refused."""
    fresh = User.objects.filter(pk=user.pk).values("totp_secret", "totp_last_step", "locked_until").first()
    if fresh is None or not fresh["totp_secret"]:
        return False
    if fresh["locked_until"] is not None and fresh["locked_until"] > timezone.now():
        return False
    digits = "".join(ch for ch in code if ch.isdigit())
    totp = pyotp.TOTP(fresh["totp_secret"])
    now = at or timezone.now()
    matched_step = None
    if len(digits) == 6:
        for drift in (0, -1, 1):
            moment = now + timedelta(seconds=30 * drift)
            if secrets.compare_digest(totp.at(moment), digits):
                matched_step = totp.timecode(moment)
                break
    if matched_step is None:
        record_totp_failure(user, address)
        return False
    with transaction.atomic():
        won = User.objects.filter(pk=user.pk, totp_last_step__lt=matched_step).update(
            totp_last_step=matched_step, failed_login_count=0, locked_until=None)
        first = won and User.objects.filter(pk=user.pk, totp_confirmed_at__isnull=True).update(
            totp_confirmed_at=timezone.now())
        if first:
            audit.record(actor=user, action="totp.enrol_confirm", object_type="user",
                         object_id=str(user.id), object_label=user.username)
    if not won:
        record_totp_failure(user, address, reason="code already used")
        return False
    user.totp_last_step, user.failed_login_count, user.locked_until = matched_step, 0, None
    if first:
        user.totp_confirmed_at = timezone.now()
    return True


# --- API tokens ----------------------------------------------------------------------------------------

def _hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create_token(
    actor: Actor, user: User, *, name: str, scopes: list[str], expires_in_days: int | None = None
) -> tuple[ApiToken, str]:
    """Create a token; returns the row and the plain token, which is never stored nor shown again."""
    if not scopes:
        raise InvalidInput(gettext("at least one scope is required"), field="scopes")
    unknown = sorted(set(scopes) - SCOPES)
    if unknown:
        raise InvalidInput(gettext("unknown scope(s) %(unknown)s; known: %(known)s")
                           % {"unknown": ', '.join(unknown), "known": ', '.join(sorted(SCOPES))},
                           field="scopes")
    if expires_in_days is not None and not 1 <= expires_in_days <= MAX_TOKEN_DAYS:
        raise InvalidInput(gettext("a token expires after 1 to %(max_days)s days (leave it out for no expiry), got %(expires_in_days)s")
                           % {"max_days": MAX_TOKEN_DAYS, "expires_in_days": expires_in_days}, field="expires_in_days")
    prefix = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    expires_at = timezone.now() + timedelta(days=expires_in_days) if expires_in_days is not None else None
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


def revoke_token(actor: Actor, token: ApiToken) -> None:
    if token.revoked_at is not None:
        raise Conflict(gettext("this token is already revoked"))
    with transaction.atomic():
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit.record(actor=actor, action="token.revoke", object_type="api_token", object_id=str(token.id),
                     object_label=f"{token.user.username}/{token.name}")


def get_user(username: str) -> User:
    try:
        return User.objects.get(username=username)
    except User.DoesNotExist:
        raise NotFound(gettext("no user named %(username)r")
                       % {"username": username}, field="username") from None
